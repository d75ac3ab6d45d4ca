#!/bin/sh
# The pipeline benchmark (issue 9): the whole line with 10, 100 and 500 stations of real agents; prints Markdown.
#   pipeline-tests/bench.sh [scales, e.g. 10,100,500] ; -Dbench.period=10s -Dbench.warmup=20s -Dbench.measure=60s
#   via JAVA_OPTS. Needs mosquitto (apt-get install mosquitto) and a built tree (mvn install -DskipTests).
# BENCH=ScaleOutBench pipeline-tests/bench.sh [runs] [steps]: the scale-out benchmark (1, 2, 3 bridges; RF 3 and RF 1).
set -e
cd "$(dirname "$0")"
mvn -B -q -ntp test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
exec java -Xmx3g $JAVA_OPTS -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  "io.testline.pipeline.${BENCH:-PipelineBench}" "$@"
