-- Ledger schema v1 for SQLite. Quantities are TEXT: NUMERIC affinity would round them
-- through binary floats, and the ledger must never lose a fraction.
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
    in_qty TEXT NOT NULL,
    out_qty TEXT NOT NULL,
    consumed_qty TEXT NOT NULL,
    produced_qty TEXT NOT NULL,
    transfer_in_qty TEXT NOT NULL,
    transfer_out_qty TEXT NOT NULL,
    adjusted_qty TEXT NOT NULL,
    reserved_qty TEXT NOT NULL,
    PRIMARY KEY (account_id, item_no),
    FOREIGN KEY (account_id, item_no) REFERENCES line (account_id, item_no)
);
CREATE TABLE entry (
    seq INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    leg INTEGER NOT NULL,
    account_id TEXT NOT NULL,
    item_no INTEGER NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    quantity TEXT NOT NULL,
    delta TEXT NOT NULL,
    unit TEXT NOT NULL,
    poster_kind TEXT NOT NULL,
    poster_ref TEXT NOT NULL,
    source_doc TEXT NOT NULL,
    time_s REAL NOT NULL,
    refers_to INTEGER NOT NULL,
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
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    time_s REAL NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL
);
-- Entries are append-only: the database itself refuses to change or delete one.
CREATE TRIGGER entry_no_update BEFORE UPDATE ON entry
BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;
CREATE TRIGGER entry_no_delete BEFORE DELETE ON entry
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
