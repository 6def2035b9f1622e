package groups

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"

	"github.com/jackc/pgx/v5/stdlib"
)

// verifyTables compares each table on both sides: the number of rows and
// a checksum of all of them (the sum of each row's SHA-256, so that row
// order does not matter), every value in the type of its PostgreSQL
// column. Archived messages are rows of messages, so each is checked.
func (c *copier) verifyTables(ctx context.Context, tables []copyTable) error {
	for _, t := range tables {
		sn, ssum, err := tableSum(ctx, c.stx, t, true)
		if err != nil {
			return err
		}
		dn, dsum, err := tableSum(ctx, c.dst.rdb, t, false)
		if err != nil {
			return err
		}
		if sn != dn || ssum.Cmp(dsum) != 0 {
			return fmt.Errorf("verify: table %s: %d rows on SQLite, %d on PostgreSQL, checksums equal: %v",
				t.name, sn, dn, ssum.Cmp(dsum) == 0)
		}
	}
	return nil
}

func tableSum(ctx context.Context, q querier, t copyTable, convert bool) (int64, *big.Int, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+columnList(t)+` FROM `+quoteIdent(t.name))
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	sum, n := new(big.Int), int64(0)
	vals, ptrs := scanSlots(len(t.cols))
	h := sha256.New()
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, nil, err
		}
		row := vals
		if convert {
			if row, err = convertRow(vals, t.types); err != nil {
				return n, nil, err
			}
		}
		h.Reset()
		for _, v := range row {
			h.Write(canonical(v))
		}
		sum.Add(sum, new(big.Int).SetBytes(h.Sum(nil)))
		n++
	}
	return n, sum, rows.Err()
}

// canonical encodes a value so that equal values on either side encode
// alike (text and bytes by their bytes).
func canonical(v any) []byte {
	switch x := v.(type) {
	case nil:
		return []byte("N;")
	case int64:
		return []byte("I" + strconv.FormatInt(x, 10) + ";")
	case string:
		return []byte("S" + strconv.Itoa(len(x)) + ":" + x)
	case []byte:
		return append([]byte("S"+strconv.Itoa(len(x))+":"), x...)
	default:
		return []byte(fmt.Sprintf("%T:%v;", v, v))
	}
}

// copyBlobs copies every blob that a folder entry or a note attachment
// (or its thumbnail) references from the
// blob directory into the postgres BlobStore, keeping each one's SHA-256.
func (c *copier) copyBlobs(ctx context.Context) error {
	names, err := queryStrings(ctx, c.stx, referencedBlobsSQL+` ORDER BY 1`)
	if err != nil {
		return err
	}
	c.blobSums = map[string]string{}
	for _, n := range names {
		sum, size, err := c.copyBlob(ctx, n)
		if errors.Is(err, ErrBlobGone) {
			return fmt.Errorf("blob %s, which the database references, is missing from %s", n, c.src.opts.BlobDir)
		}
		if err != nil {
			return fmt.Errorf("blob %s: %w", n, err)
		}
		c.blobSums[n] = sum
		c.rep.Blobs++
		c.rep.BlobBytes += size
	}
	return nil
}

func (c *copier) copyBlob(ctx context.Context, name string) (string, int64, error) {
	r, err := c.src.blobs.Open(ctx, name)
	if err != nil {
		return "", 0, err
	}
	defer r.Close()
	w, err := c.dst.blobs.Create(ctx, "", name)
	if err != nil {
		return "", 0, err
	}
	defer w.Abort()
	h := sha256.New()
	n, err := io.Copy(w, io.TeeReader(r, h))
	if err == nil {
		err = w.Commit(ctx)
	}
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// verifyBlobs reads every copied blob back from PostgreSQL and compares
// its SHA-256 with the source file's.
func (c *copier) verifyBlobs(ctx context.Context) error {
	for n, want := range c.blobSums {
		r, err := c.dst.blobs.Open(ctx, n)
		if err != nil {
			return fmt.Errorf("verify: blob %s: %w", n, err)
		}
		h := sha256.New()
		_, err = io.Copy(h, r)
		r.Close()
		if err != nil {
			return fmt.Errorf("verify: blob %s: %w", n, err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != want {
			return fmt.Errorf("verify: blob %s reads back with SHA-256 %s, not %s", n, got, want)
		}
	}
	return nil
}

// openPlainPG opens the PostgreSQL database at dsn without the store.
func openPlainPG(dsn string) (*sql.DB, error) {
	cfg, err := pgxParse(dsn)
	if err != nil {
		return nil, err
	}
	return stdlib.OpenDB(*cfg), nil
}
