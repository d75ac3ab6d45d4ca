package io.testline.agent.atml;

import io.testline.agent.results.ImportedRun;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads an ATML test results document (IEEE 1636.1 {@code TestResults}, alone or as the one entry of a
 * {@code TestResultsCollection}, as TestStand's ATML report writes it; the 2006, 2011 and 2013 namespaces) into
 * testline's model: the parts that map. {@code UUT/SerialNumber} is the serial number, the UUT definition's
 * identification number the part, {@code Personnel/SystemOperator} the operator, {@code ResultSet} the run (its
 * {@code name} the program, its times and {@code Outcome}), each {@code Test} and {@code SessionAction} a step (see
 * {@link StepReader}). Written from the element names of the published format; no schema file is copied or needed.
 * A document that cannot be read whole throws {@link IllegalArgumentException} naming the element.
 */
public final class AtmlImporter {
  private static final String RESULTS_NS = "urn:IEEE-1636.1:";

  /**
   * The largest document read: it is held as a DOM, about ten times its size in heap (measured: 2 MiB of TestStand
   * steps, 25 MiB live), so this bound, not {@code watch.maxFileBytes}, keeps an ATML file within the agent's 64 MiB
   * heap. A run.finished of that many steps is near the 1 MB message limit anyway.
   */
  public static final int MAX_DOCUMENT_BYTES = 2 << 20;

  private AtmlImporter() {}

  public static ImportedRun read(byte[] content) throws IOException {
    return read(new ByteArrayInputStream(content));
  }

  /** Reads the document in {@code in}, at most {@link #MAX_DOCUMENT_BYTES} of it. */
  public static ImportedRun read(InputStream in) throws IOException {
    Element root = parse(in).getDocumentElement();
    if (root.getNamespaceURI() == null || !root.getNamespaceURI().startsWith(RESULTS_NS)
        || !(root.getLocalName().equals("TestResults") || root.getLocalName().equals("TestResultsCollection"))) {
      throw new IllegalArgumentException("not an ATML test results document (IEEE 1636.1): the root is <"
          + root.getTagName() + "> in " + root.getNamespaceURI());
    }
    List<Element> all = root.getLocalName().equals("TestResults") ? List.of(root) : Xml.children(root, "TestResults");
    if (all.size() != 1) {
      throw new IllegalArgumentException("TestResultsCollection: holds " + all.size() + " TestResults; one file per "
          + "unit under test is read");
    }
    Element results = all.get(0);
    Element uut = Xml.required(results, "UUT", "TestResults");
    String serial = Xml.text(Xml.required(uut, "SerialNumber", "UUT"));
    if (serial == null || serial.isBlank()) {
      throw new IllegalArgumentException("UUT/SerialNumber: empty");
    }
    String part = Xml.attribute(Xml.path(uut, "Definition", "Identification", "IdentificationNumbers",
        "IdentificationNumber"), "number");
    Element operatorElement = Xml.path(results, "Personnel", "SystemOperator");
    String operator = Xml.attribute(operatorElement, "name") != null ? Xml.attribute(operatorElement, "name")
        : Xml.attribute(operatorElement, "ID");
    Element resultSet = Xml.required(results, "ResultSet", "TestResults");
    List<String> notes = new ArrayList<>();
    Instant startedAt = instant(resultSet, "startDateTime", "ResultSet", notes);
    if (startedAt == null) {
      throw new IllegalArgumentException("ResultSet/@startDateTime: missing");
    }
    Instant endedAt = instant(resultSet, "endDateTime", "ResultSet", notes);
    Element outcome = Xml.required(resultSet, "Outcome", "ResultSet");
    String qualifier = Xml.attribute(outcome, "qualifier");
    StepReader steps = new StepReader(notes);
    steps.readChildren(resultSet, "");
    return new ImportedRun(serial.trim(), programName(Xml.attribute(resultSet, "name")), null, null, part, operator,
        startedAt, endedAt != null ? endedAt : startedAt, Outcomes.run(Xml.attribute(outcome, "value"), qualifier,
        "ResultSet/Outcome"), null, qualifier, steps.steps(), List.of(), notes);
  }

  /** The sequence file's name without its folder: TestStand writes the full path. */
  private static String programName(String sequence) {
    if (sequence == null || sequence.isBlank()) {
      return "teststand";
    }
    String s = sequence.trim();
    int cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
    return s.substring(cut + 1);
  }

  /** An xs:dateTime; one without offset is read in the station's time zone, and a note says so. */
  static Instant instant(Element element, String attribute, String where, List<String> notes) {
    String text = Xml.attribute(element, attribute);
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text.trim()).toInstant();
    } catch (DateTimeParseException e) {
      try {
        Instant local = LocalDateTime.parse(text.trim()).atZone(ZoneId.systemDefault()).toInstant();
        if (notes.stream().noneMatch(n -> n.startsWith("ATML times have no offset"))) {
          notes.add("ATML times have no offset; read in the station's time zone " + ZoneId.systemDefault());
        }
        return local;
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException(where + "/@" + attribute + ": \"" + text + "\" is not an xs:dateTime", e2);
      }
    }
  }

  /** A parser that reads no DTD and no external entity: a result file is data, never a fetch. */
  private static Document parse(InputStream in) throws IOException {
    Bounded content = new Bounded(in);
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      builder.setErrorHandler(new DefaultHandler());
      Document document = builder.parse(content);
      oversize(content);
      return document;
    } catch (SAXException | IOException e) {
      oversize(content);
      if (e instanceof IOException io) {
        throw io;
      }
      throw new IllegalArgumentException("not XML: " + e.getMessage(), e);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("this JVM's XML parser cannot be made safe: " + e.getMessage(), e);
    }
  }

  private static void oversize(Bounded content) {
    if (content.over) {
      throw new IllegalArgumentException("oversize: an ATML document is read whole into memory (DOM); at most "
          + MAX_DOCUMENT_BYTES + " bytes");
    }
  }

  /** Ends (as if the document ended there) after {@link #MAX_DOCUMENT_BYTES}, and says so in {@code over}. */
  private static final class Bounded extends FilterInputStream {
    private long left = MAX_DOCUMENT_BYTES;
    private boolean over;

    Bounded(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        over = over || super.read() != -1;
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, left));
      left -= Math.max(n, 0);
      return n;
    }

    @Override
    public void close() {
      // the caller closes the file
    }
  }

  static String upper(String s) {
    return s == null ? null : s.trim().toUpperCase(Locale.ROOT);
  }
}
