package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"groupd/config"
	"groupd/groups"
)

// cmdRestore is `groupd restore [-config FILE] [-force] ARCHIVE`: unpacks a
// backup into data_dir, then checks the result (PRAGMA integrity_check,
// every referenced blob present). It refuses a data_dir that is not empty
// unless -force, which first removes the database and blobs there. The
// daemon must not be running on that data_dir.
func cmdRestore(args []string) int {
	fl := flag.NewFlagSet("restore", flag.ContinueOnError)
	path := fl.String("config", "", "config file (default ./groupd.toml when it exists)")
	force := fl.Bool("force", false, "replace the database and blobs of a data_dir that is not empty")
	if fl.Parse(args) != nil || fl.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: groupd restore [-config FILE] [-force] ARCHIVE")
		return 2
	}
	cfg, err := loadConfig(*path, "")
	if err != nil {
		fmt.Fprintf(os.Stderr, "groupd: config:\n%s\n", indent(err))
		return 1
	}
	rep, err := restore(context.Background(), cfg, fl.Arg(0), *force)
	if err != nil {
		fmt.Fprintf(os.Stderr, "groupd restore: %v\n", err)
		return 1
	}
	fmt.Printf("groupd restore: %s restored into %s (integrity ok, %d blobs)\n", fl.Arg(0), cfg.DataDir, rep.Blobs)
	return 0
}

// restore unpacks archive into cfg.DataDir and checks the store.
func restore(ctx context.Context, cfg config.Config, archive string, force bool) (groups.CheckReport, error) {
	if cfg.Database.Driver == config.DriverPostgres {
		return groups.CheckReport{}, errPostgresBackup(cfg.Database)
	}
	dir := cfg.DataDir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return groups.CheckReport{}, err
	}
	if ents, _ := os.ReadDir(dir); len(ents) > 0 {
		if !force {
			return groups.CheckReport{}, fmt.Errorf("%s is not empty; restore into an empty data_dir, or use -force to replace its database and blobs", dir)
		}
		for _, n := range []string{groups.BackupDBName, groups.BackupDBName + "-wal", groups.BackupDBName + "-shm", groups.BackupDBName + "-journal", groups.BackupBlobDir} {
			if err := os.RemoveAll(filepath.Join(dir, n)); err != nil {
				return groups.CheckReport{}, err
			}
		}
	}
	if err := extract(archive, dir); err != nil {
		return groups.CheckReport{}, err
	}
	if err := os.MkdirAll(filepath.Join(dir, groups.BackupBlobDir), 0o700); err != nil {
		return groups.CheckReport{}, err
	}
	st, err := openStore(cfg)
	if err != nil {
		return groups.CheckReport{}, err
	}
	defer st.Close()
	rep, err := st.Check(ctx)
	if err == nil && !rep.OK() {
		err = fmt.Errorf("the restored store is not sound: integrity %q, %d foreign key problems, missing blobs %v", rep.Integrity, rep.ForeignKeys, rep.Missing)
	}
	return rep, err
}

// extract unpacks the regular files and directories of a (gzipped) tar
// into dir; names that would leave dir, links and devices are refused.
func extract(archive, dir string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return err
		}
		defer gz.Close()
		r = gz
	}
	tr := tar.NewReader(r)
	sawDB := false
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s is not a groupd backup: %w", archive, err)
		}
		name := path.Clean(hdr.Name)
		if name == "." || path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
			return fmt.Errorf("%s: entry %q leaves the data directory", archive, hdr.Name)
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		switch hdr.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(dst, 0o700)
		case tar.TypeReg:
			sawDB = sawDB || name == groups.BackupDBName
			err = writeRestored(dst, tr)
		default:
			err = fmt.Errorf("entry %q is not a plain file", hdr.Name)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", archive, err)
		}
	}
	if !sawDB {
		return errors.New(archive + " holds no " + groups.BackupDBName + ": not a groupd backup")
	}
	return nil
}

// writeRestored writes r to dst durably (0600).
func writeRestored(dst string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, r)
	if err == nil {
		err = out.Sync()
	}
	if e := out.Close(); err == nil {
		err = e
	}
	return err
}
