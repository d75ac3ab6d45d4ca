package io.testline.interop.junit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The little of a streaming XML writer the JUnit export needs, escaping every string through {@link XmlText}. Not
 * StAX: the JDK's {@code XMLStreamWriter} writes tab, newline and carriage return in attribute values raw, and a
 * parser then reads them as spaces (XML 1.0 section 3.3.3), so a multi-line failure message or a name with a tab
 * would not survive; its escaping of attributes cannot be turned off to write character references instead.
 */
final class XmlOut {
  private final Writer out;
  private final Deque<String> open = new ArrayDeque<>();
  private boolean inStartTag;

  XmlOut(OutputStream out) {
    this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
  }

  void declaration() throws IOException {
    out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  }

  void start(String name) throws IOException {
    closeStartTag();
    out.write('<');
    out.write(name);
    open.push(name);
    inStartTag = true;
  }

  /** An element with attributes and no content: {@code start} then {@code end}. */
  void empty(String name) throws IOException {
    start(name);
  }

  void attribute(String name, String value) throws IOException {
    if (!inStartTag) {
      throw new IllegalStateException("attribute " + name + " outside a start tag");
    }
    out.write(' ');
    out.write(name);
    out.write("=\"");
    out.write(XmlText.attribute(value));
    out.write('"');
  }

  void text(String value) throws IOException {
    closeStartTag();
    out.write(XmlText.text(value));
  }

  void end() throws IOException {
    String name = open.pop();
    if (inStartTag) {
      out.write("/>");
      inStartTag = false;
    } else {
      out.write("</");
      out.write(name);
      out.write('>');
    }
  }

  /** Ends every open element and flushes; the stream stays open. */
  void finish() throws IOException {
    while (!open.isEmpty()) {
      end();
    }
    out.flush();
  }

  private void closeStartTag() throws IOException {
    if (inStartTag) {
      out.write('>');
      inStartTag = false;
    }
  }
}
