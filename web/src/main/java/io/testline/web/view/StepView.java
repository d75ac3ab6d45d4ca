package io.testline.web.view;

import io.testline.interop.model.MeasurementRecord;
import java.time.Instant;
import java.util.List;

/** One step of a run with its measurements; {@code failing} marks the run's failing step. */
public record StepView(int index, String name, String path, Instant startedAt, Instant endedAt, String outcome,
    String errorCode, String errorMessage, boolean failing, List<MeasurementRecord> measurements) {}
