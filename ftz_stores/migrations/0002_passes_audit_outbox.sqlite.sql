-- Ledger schema v2 for SQLite: gate-pass uses, the audit trail, outbox cursors and
-- named state blobs (the risk engine's learned state); lines gain their table (料件 /
-- 成品 / goods / service) and the filed goods name.
ALTER TABLE line ADD COLUMN line_table TEXT NOT NULL DEFAULT 'goods';
ALTER TABLE line ADD COLUMN name TEXT NOT NULL DEFAULT '';
-- A pass leg is consumed at most once, by construction: (pass_id, leg) and the passage
-- are unique, and a use can never be changed or deleted.
CREATE TABLE pass_use (
    pass_id TEXT NOT NULL,
    leg INTEGER NOT NULL,
    passage_id TEXT NOT NULL UNIQUE,
    gate_ref TEXT NOT NULL,
    plate TEXT NOT NULL,
    time_s REAL NOT NULL,
    PRIMARY KEY (pass_id, leg)
);
CREATE TRIGGER pass_use_no_update BEFORE UPDATE ON pass_use
BEGIN SELECT RAISE(ABORT, 'gate-pass uses are immutable'); END;
CREATE TRIGGER pass_use_no_delete BEFORE DELETE ON pass_use
BEGIN SELECT RAISE(ABORT, 'gate-pass uses are append-only'); END;
-- Dual review (双人复核): every reviewed action, append-only, queried per document.
CREATE TABLE review_audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_ref TEXT NOT NULL,
    item TEXT NOT NULL,
    action TEXT NOT NULL,
    maker TEXT NOT NULL,
    reviewers TEXT NOT NULL,
    time_s REAL NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX review_audit_doc ON review_audit (doc_ref, seq);
CREATE TRIGGER review_audit_no_update BEFORE UPDATE ON review_audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is immutable'); END;
CREATE TRIGGER review_audit_no_delete BEFORE DELETE ON review_audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TABLE outbox_cursor (
    consumer TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
);
CREATE TABLE state_blob (
    name TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    body TEXT NOT NULL
);
