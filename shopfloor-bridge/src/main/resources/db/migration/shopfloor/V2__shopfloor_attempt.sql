-- Every answered attempt of a submission, so a run's shopfloor history can be shown whole: shopfloor_submission
-- keeps only the latest state. Written in the same statement that moves the submission on (fenced by attempt).
CREATE TABLE shopfloor_attempt (
    run_id      uuid        NOT NULL,
    attempt     integer     NOT NULL,
    answered_at timestamptz NOT NULL,
    outcome     text        NOT NULL CHECK (outcome IN ('RETRY', 'ACCEPTED', 'REJECTED', 'DEAD')),
    code        text,
    message     text,
    reference   text,
    next_attempt_at timestamptz,
    PRIMARY KEY (run_id, attempt)
);
