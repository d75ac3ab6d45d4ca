package io.testline.web.view;

import java.util.List;

/** Every run of one serial number, oldest first. */
public record UnitPage(String serial, List<RunRow> runs) {}
