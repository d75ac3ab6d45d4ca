package io.testline.text;

/**
 * testline's one rule for station text written into a CSV file a spreadsheet may open (replay, export). A cell that
 * starts with {@code = + - @}, a tab or a carriage return is a formula to Excel, LibreOffice and Google Sheets: a
 * serial number {@code =cmd|' /C calc'!A0} would run a program on the auditor's PC (CSV injection). Following OWASP,
 * such a cell gets a leading {@code '}, which spreadsheets show as text and do not evaluate; every other cell is
 * written as it is. CSV quoting (commas, quotes, line breaks) is the CSV writer's job, not this one.
 */
public final class SpreadsheetCells {
  private SpreadsheetCells() {}

  /** {@code text} made inert for a spreadsheet; null stays null. */
  public static String inert(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    return switch (text.charAt(0)) {
      case '=', '+', '-', '@', '\t', '\r' -> "'" + text;
      default -> text;
    };
  }
}
