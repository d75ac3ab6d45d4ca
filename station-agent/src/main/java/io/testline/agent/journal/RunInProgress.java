package io.testline.agent.journal;

import java.util.UUID;

/**
 * A run a live agent process of this station is running now, as the station's heartbeat reports it.
 *
 * @param lastStep the step journaled last (its path, else its name); null before the first step
 */
public record RunInProgress(UUID runId, String serialNumber, String lastStep) {}
