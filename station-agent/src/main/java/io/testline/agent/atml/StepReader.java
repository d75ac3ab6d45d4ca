package io.testline.agent.atml;

import io.testline.agent.results.MeasurementJudge;
import io.testline.schemas.Comparator;
import io.testline.schemas.Measurement;
import io.testline.schemas.MeasurementOutcome;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * The steps of an ATML {@code ResultSet}: each {@code Test} (its {@code Outcome}) and {@code SessionAction} (its
 * {@code ActionOutcome}) in document order, with the names of the {@code TestGroup}s around it as its path. A
 * {@code TestResult} is a measurement: {@code TestData/Datum/@value} a number (its {@code nonStandardUnit} or
 * {@code unit}), {@code Datum/Value} a text; {@code TestLimits/Limits} a {@code LimitPair}, {@code SingleLimit} or
 * {@code Expected} with IEEE 1671 comparators (EQ NE GT GE LT LE). Other limits are kept as notes.
 */
final class StepReader {
  private static final Set<String> COMPARATORS = Set.of("EQ", "NE", "GT", "GE", "LT", "LE");

  private final List<String> notes;
  private final List<Step> steps = new ArrayList<>();

  StepReader(List<String> notes) {
    this.notes = notes;
  }

  List<Step> steps() {
    return steps;
  }

  void readChildren(Element parent, String path) {
    for (Element e : Xml.children(parent)) {
      switch (e.getLocalName()) {
        case "TestGroup" -> readChildren(e, path + name(e) + "/");
        case "Test" -> steps.add(step(e, path, "Outcome"));
        case "SessionAction" -> steps.add(step(e, path, "ActionOutcome"));
        default -> {
          // Outcome, Extension, Parameters ... of the enclosing element: not steps
        }
      }
    }
  }

  private Step step(Element e, String path, String outcomeElement) {
    String name = name(e);
    String where = path + name;
    Element outcome = Xml.child(e, outcomeElement);
    String qualifier = Xml.attribute(outcome, "qualifier");
    StepOutcome stepOutcome = Outcomes.step(Xml.attribute(outcome, "value"), qualifier, where + "/" + outcomeElement);
    List<Measurement> measurements = new ArrayList<>();
    for (Element result : Xml.children(e, "TestResult")) {
      measurements.add(measurement(result, name, where));
    }
    Instant startedAt = AtmlImporter.instant(e, "startDateTime", where, notes);
    Instant endedAt = AtmlImporter.instant(e, "endDateTime", where, notes);
    return new Step(limit(name, 256), path.isEmpty() ? null : limit(where, 1024), steps.size(), startedAt, endedAt,
        stepOutcome, measurements.isEmpty() ? null : measurements, null,
        stepOutcome == StepOutcome.ERROR ? qualifier : null, null);
  }

  private Measurement measurement(Element result, String stepName, String where) {
    String name = limit(Xml.attribute(result, "name") != null ? Xml.attribute(result, "name") : stepName, 256);
    Element datum = Xml.path(result, "TestData", "Datum");
    Double value = null;
    String text = null;
    String unit = null;
    if (datum != null) {
      String v = Xml.attribute(datum, "value");
      if (v != null) {
        value = number(v);
        text = value == null ? limit(v, 8192) : null;
      } else if (Xml.child(datum, "Value") != null) {
        text = limit(Xml.text(Xml.child(datum, "Value")), 8192);
      }
      unit = Xml.attribute(datum, "nonStandardUnit") != null ? Xml.attribute(datum, "nonStandardUnit")
          : Xml.attribute(datum, "unit");
    }
    Double low = null;
    Double high = null;
    Double nominal = null;
    Comparator comparator = Comparator.LOG;
    Element limits = Xml.path(result, "TestLimits", "Limits");
    if (limits != null) {
      Element pair = Xml.child(limits, "LimitPair");
      Element single = Xml.child(limits, "SingleLimit");
      Element expected = Xml.child(limits, "Expected");
      if (pair != null && Xml.children(pair, "Limit").size() == 2) {
        Element first = Xml.children(pair, "Limit").get(0);
        Element second = Xml.children(pair, "Limit").get(1);
        String c1 = AtmlImporter.upper(Xml.attribute(first, "comparator"));
        String c2 = AtmlImporter.upper(Xml.attribute(second, "comparator"));
        Double v1 = limitValue(first);
        Double v2 = limitValue(second);
        if (c1 != null && c2 != null && v1 != null && v2 != null && (c1 + c2).matches("G[TE]L[TE]")) {
          comparator = Comparator.valueOf(c1 + c2);
          low = v1;
          high = v2;
        } else if (c1 != null && c2 != null && v1 != null && v2 != null && (c2 + c1).matches("G[TE]L[TE]")) {
          comparator = Comparator.valueOf(c2 + c1);
          low = v2;
          high = v1;
        } else {
          notes.add(where + " " + name + ": limits not read: LimitPair " + c1 + " " + v1 + ", " + c2 + " " + v2);
        }
      } else if (single != null || expected != null) {
        Element limit = single != null ? single : expected;
        String c = AtmlImporter.upper(Xml.attribute(limit, "comparator"));
        Double v = limitValue(limit);
        if (c != null && v != null && COMPARATORS.contains(c)) {
          comparator = Comparator.valueOf(c);
          switch (comparator) {
            case GT, GE -> low = v;
            case LT, LE -> high = v;
            default -> {
              nominal = v;
              low = v;
              high = v;
            }
          }
        } else {
          Element d = Xml.child(limit, "Datum");
          String shown = Xml.attribute(d, "value") != null ? Xml.attribute(d, "value")
              : Xml.text(Xml.child(d, "Value"));
          notes.add(where + " " + name + ": limit not read: " + limit.getLocalName() + " " + c + " " + shown);
        }
      } else {
        notes.add(where + " " + name + ": limits of a kind not read: "
            + Xml.children(limits).stream().map(Element::getLocalName).toList());
      }
    }
    Element own = Xml.child(result, "Outcome");
    MeasurementOutcome outcome = own == null ? MeasurementJudge.judge(value, low, high, nominal, comparator)
        : switch (Outcomes.step(Xml.attribute(own, "value"), Xml.attribute(own, "qualifier"), where + "/" + name)) {
          case PASS -> MeasurementOutcome.PASS;
          case FAIL -> MeasurementOutcome.FAIL;
          default -> MeasurementOutcome.UNSET;
        };
    return new Measurement(name, value, text, unit == null ? null : limit(unit, 64), low, high, comparator, nominal,
        outcome, null);
  }

  private static Double limitValue(Element limit) {
    Element datum = Xml.child(limit, "Datum");
    return datum == null ? null : number(Xml.attribute(datum, "value"));
  }

  /** A finite number, or null (text, NaN, infinity: JSON has no place for them). */
  private static Double number(String text) {
    if (text == null) {
      return null;
    }
    try {
      double v = Double.parseDouble(text.trim());
      return Double.isFinite(v) ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String name(Element e) {
    String n = Xml.attribute(e, "name");
    if (n == null || n.isBlank()) {
      throw new IllegalArgumentException("<" + e.getLocalName() + ">: a step without a name");
    }
    return n.trim();
  }

  private static String limit(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }
}
