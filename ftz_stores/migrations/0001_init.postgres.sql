-- Ledger schema v1 for PostgreSQL. Quantities are NUMERIC (exact, any scale).
CREATE TABLE account (
    account_id TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    zone TEXT NOT NULL,
    overdraw_allowed INTEGER NOT NULL
);
CREATE TABLE line (
    account_id TEXT NOT NULL REFERENCES account (account_id),
    item_no INTEGER NOT NULL,
    part_no TEXT NOT NULL,
    hs_code TEXT NOT NULL,
    unit TEXT NOT NULL,
    PRIMARY KEY (account_id, item_no)
);
CREATE TABLE balance (
    account_id TEXT NOT NULL,
    item_no INTEGER NOT NULL,
    in_qty NUMERIC NOT NULL,
    out_qty NUMERIC NOT NULL,
    consumed_qty NUMERIC NOT NULL,
    produced_qty NUMERIC NOT NULL,
    transfer_in_qty NUMERIC NOT NULL,
    transfer_out_qty NUMERIC NOT NULL,
    adjusted_qty NUMERIC NOT NULL,
    reserved_qty NUMERIC NOT NULL,
    PRIMARY KEY (account_id, item_no),
    FOREIGN KEY (account_id, item_no) REFERENCES line (account_id, item_no)
);
CREATE TABLE entry (
    seq BIGINT PRIMARY KEY,
    key TEXT NOT NULL,
    leg INTEGER NOT NULL,
    account_id TEXT NOT NULL,
    item_no INTEGER NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    quantity NUMERIC NOT NULL,
    delta NUMERIC NOT NULL,
    unit TEXT NOT NULL,
    poster_kind TEXT NOT NULL,
    poster_ref TEXT NOT NULL,
    source_doc TEXT NOT NULL,
    time_s DOUBLE PRECISION NOT NULL,
    refers_to BIGINT NOT NULL,
    reviewers TEXT NOT NULL,
    UNIQUE (key, leg),
    FOREIGN KEY (account_id, item_no) REFERENCES line (account_id, item_no)
);
CREATE INDEX entry_line ON entry (account_id, item_no, seq);
CREATE TABLE document (
    kind TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, doc_id)
);
CREATE TABLE ledger_event (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time_s DOUBLE PRECISION NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL
);
-- Entries are append-only: the database itself refuses to change or delete one.
CREATE FUNCTION entry_is_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are append-only and immutable';
END;
$$;
CREATE TRIGGER entry_no_change BEFORE UPDATE OR DELETE ON entry
FOR EACH ROW EXECUTE FUNCTION entry_is_immutable();
