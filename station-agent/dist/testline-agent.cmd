@echo off
rem testline-agent launcher for Windows. Layout: <home>\bin\testline-agent.cmd, <home>\lib\*.jar.
rem TESTLINE_AGENT_JAVA_OPTS replaces the default JVM options (64 MiB heap, serial GC, C1 only; see README).
setlocal
set "APP_HOME=%~dp0.."
if defined JAVA_HOME (set "JAVA=%JAVA_HOME%\bin\java.exe") else (set "JAVA=java")
if not defined TESTLINE_AGENT_JAVA_OPTS set "TESTLINE_AGENT_JAVA_OPTS=-Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
"%JAVA%" %TESTLINE_AGENT_JAVA_OPTS% -cp "%APP_HOME%\lib\*" io.testline.agent.cli.Main %*
exit /b %ERRORLEVEL%
