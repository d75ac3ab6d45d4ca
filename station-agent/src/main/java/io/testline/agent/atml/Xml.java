package io.testline.agent.atml;

import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** DOM reads by local name: ATML's three editions differ in namespaces, not in element names. */
final class Xml {
  private Xml() {}

  static List<Element> children(Element parent, String localName) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && localName.equals(e.getLocalName())) {
        out.add(e);
      }
    }
    return out;
  }

  static List<Element> children(Element parent) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        out.add(e);
      }
    }
    return out;
  }

  /** The first child of that name, or null (also for a null parent). */
  static Element child(Element parent, String localName) {
    if (parent == null) {
      return null;
    }
    List<Element> found = children(parent, localName);
    return found.isEmpty() ? null : found.get(0);
  }

  static Element required(Element parent, String localName, String where) {
    Element e = child(parent, localName);
    if (e == null) {
      throw new IllegalArgumentException(where + "/" + localName + ": missing");
    }
    return e;
  }

  /** Down a chain of first children; null where one is missing. */
  static Element path(Element from, String... localNames) {
    Element e = from;
    for (String name : localNames) {
      e = child(e, name);
    }
    return e;
  }

  static String attribute(Element e, String name) {
    if (e == null || !e.hasAttribute(name)) {
      return null;
    }
    return e.getAttribute(name);
  }

  static String text(Element e) {
    return e == null ? null : e.getTextContent();
  }
}
