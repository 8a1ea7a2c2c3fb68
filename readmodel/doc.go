// Package readmodel is the vocabulary of the read side: the rows projectors write and
// queries read. Read stores (SQLite, PostgreSQL) store these shapes; projectors and
// queries never see SQL.
package readmodel
