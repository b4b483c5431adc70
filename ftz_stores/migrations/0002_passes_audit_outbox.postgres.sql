-- Ledger schema v2 for PostgreSQL: gate-pass uses, the audit trail, outbox cursors and
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
    time_s DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (pass_id, leg)
);
CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only and immutable', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER pass_use_no_change BEFORE UPDATE OR DELETE ON pass_use
FOR EACH ROW EXECUTE FUNCTION append_only();
-- Dual review (双人复核): every reviewed action, append-only, queried per document.
CREATE TABLE review_audit (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doc_ref TEXT NOT NULL,
    item TEXT NOT NULL,
    action TEXT NOT NULL,
    maker TEXT NOT NULL,
    reviewers TEXT NOT NULL,
    time_s DOUBLE PRECISION NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX review_audit_doc ON review_audit (doc_ref, seq);
CREATE TRIGGER review_audit_no_change BEFORE UPDATE OR DELETE ON review_audit
FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TABLE outbox_cursor (
    consumer TEXT PRIMARY KEY,
    seq BIGINT NOT NULL
);
CREATE TABLE state_blob (
    name TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    body TEXT NOT NULL
);
