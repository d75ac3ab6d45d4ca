-- The shopfloor-bridge's submission ledger: one row per finished run, from intake to the shopfloor's verdict.
-- Table names carry the shopfloor_ prefix so the ledger can share a database with the result-consumer.
CREATE TABLE shopfloor_submission (
    run_id              uuid        PRIMARY KEY,
    serial_number       text        NOT NULL,
    station_id          text        NOT NULL,
    finished_at         timestamptz NOT NULL,
    kafka_topic         text        NOT NULL,
    kafka_partition     integer     NOT NULL,
    kafka_offset        bigint      NOT NULL,
    event_id            uuid        NOT NULL,
    payload             bytea       NOT NULL,
    received_at         timestamptz NOT NULL,
    state               text        NOT NULL DEFAULT 'PENDING'
                        CHECK (state IN ('PENDING', 'IN_FLIGHT', 'ACCEPTED', 'REJECTED', 'DEAD')),
    attempts            integer     NOT NULL DEFAULT 0,
    first_attempt_at    timestamptz,
    next_attempt_at     timestamptz NOT NULL,
    lease_until         timestamptz,
    last_error          text,
    verdict             text        CHECK (verdict IN ('ACCEPTED', 'REJECTED', 'DEAD')),
    verdict_code        text,
    verdict_message     text,
    shopfloor_reference text,
    verdict_at          timestamptz,
    verdict_event_id    uuid,
    verdict_published   boolean     NOT NULL DEFAULT false
);

-- Per serial number, the oldest unfinished run is the only one eligible: this index serves that search.
CREATE INDEX shopfloor_submission_unfinished
    ON shopfloor_submission (serial_number, finished_at, kafka_partition, kafka_offset)
    WHERE state IN ('PENDING', 'IN_FLIGHT');

CREATE INDEX shopfloor_submission_unpublished
    ON shopfloor_submission (verdict_at)
    WHERE verdict IS NOT NULL AND NOT verdict_published;

CREATE INDEX shopfloor_submission_dead
    ON shopfloor_submission (finished_at)
    WHERE state = 'DEAD';
