package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"groupd/config"
	"groupd/daemon"
	"groupd/groups"
)

// cmdBackup is `groupd backup [-config FILE] ARCHIVE`: a consistent copy of
// the data directory (database snapshot, the blobs it references, and the
// directory's other files such as admin-token) as one tar, gzipped when
// ARCHIVE ends in .gz or .tgz. It may run while the daemon runs.
func cmdBackup(args []string) int {
	fl := flag.NewFlagSet("backup", flag.ContinueOnError)
	path := fl.String("config", "", "config file (default ./groupd.toml when it exists)")
	if fl.Parse(args) != nil || fl.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: groupd backup [-config FILE] ARCHIVE(.tar|.tar.gz)")
		return 2
	}
	cfg, err := loadConfig(*path, "")
	if err != nil {
		fmt.Fprintf(os.Stderr, "groupd: config:\n%s\n", indent(err))
		return 1
	}
	info, err := backup(context.Background(), cfg, fl.Arg(0))
	if err != nil {
		fmt.Fprintf(os.Stderr, "groupd backup: %v\n", err)
		return 1
	}
	fmt.Printf("groupd backup: wrote %s (database and %d blobs, %d bytes of blobs)\n", fl.Arg(0), len(info.Blobs), info.Bytes)
	return 0
}

// backup snapshots cfg's store into a staging directory inside data_dir
// (so that blobs are hard links), then writes the archive atomically.
func backup(ctx context.Context, cfg config.Config, archive string) (*groups.BackupInfo, error) {
	if cfg.Database.Driver == config.DriverPostgres {
		return nil, errPostgresBackup(cfg.Database)
	}
	st, err := openStore(cfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	stage, err := os.MkdirTemp(cfg.DataDir, ".backup-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(stage)
	snap := filepath.Join(stage, "snap")
	info, err := st.Backup(ctx, snap)
	if err != nil {
		return nil, err
	}
	if err := copyDataFiles(cfg.DataDir, snap); err != nil {
		return nil, err
	}
	return info, writeArchive(snap, archive)
}

// copyDataFiles copies data_dir's other plain files (admin-token, keys)
// into the snapshot; the live database files and dot-files are skipped.
func copyDataFiles(dataDir, snap string) error {
	ents, err := os.ReadDir(dataDir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		n := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(n, ".") || strings.HasPrefix(n, groups.BackupDBName) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dataDir, n))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(snap, n), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// writeArchive tars dir's tree into archive (through a temporary file,
// renamed at the end, so that a failed backup leaves no half archive).
func writeArchive(dir, archive string) error {
	tmp, err := os.CreateTemp(filepath.Dir(archive), ".groupd-backup-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	var w io.Writer = tmp
	var gz *gzip.Writer
	if strings.HasSuffix(archive, ".gz") || strings.HasSuffix(archive, ".tgz") {
		gz = gzip.NewWriter(tmp)
		w = gz
	}
	tw := tar.NewWriter(w)
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		return addToTar(tw, p, filepath.ToSlash(rel), d.IsDir())
	})
	if err == nil {
		err = tw.Close()
	}
	if err == nil && gz != nil {
		err = gz.Close()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if e := tmp.Close(); err == nil {
		err = e
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), archive)
}

func addToTar(tw *tar.Writer, path, name string, dir bool) error {
	hdr := &tar.Header{Name: name, Mode: 0o600, ModTime: time.Now(), Typeflag: tar.TypeReg}
	if dir {
		hdr.Name, hdr.Mode, hdr.Typeflag = name+"/", 0o700, tar.TypeDir
		return tw.WriteHeader(hdr)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	hdr.Size = fi.Size()
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

// errPostgresBackup is backup's and restore's answer when the database is
// PostgreSQL: its own tools do that. With the postgres BlobStore (the
// default there) the database holds the folder contents too, so pg_dump
// covers everything but the admin token; with blobs = "fs" the blob
// directory must be copied beside the dump.
func errPostgresBackup(db config.Database) error {
	what := "with [database] blobs = \"postgres\" the database holds the folder contents too, so the dump " +
		"covers everything; copy data_dir/admin-token with it"
	if db.BlobStore() == config.BlobsFS {
		what = "with [database] blobs = \"fs\" the folder contents are files: copy data_dir (blobs/ and admin-token) with it"
	}
	return errors.New("the database is PostgreSQL ([database] driver = \"postgres\"): " +
		"back it up with pg_dump (pg_dump -Fc -f groupd.dump DBNAME) and restore it with pg_restore " +
		"(pg_restore -d DBNAME groupd.dump); " + what)
}

// openStore opens the SQLite store of cfg as the daemon does.
func openStore(cfg config.Config) (*groups.Store, error) {
	if fi, err := os.Stat(filepath.Join(cfg.DataDir, groups.BackupDBName)); err != nil || fi.Size() == 0 {
		return nil, errors.New("no database in " + cfg.DataDir + " (is data_dir right?)")
	}
	return groups.Open(daemon.StoreOptions(groups.Options{
		Path:            filepath.Join(cfg.DataDir, groups.BackupDBName),
		BlobDir:         filepath.Join(cfg.DataDir, groups.BackupBlobDir),
		MailDomains:     cfg.Mail.Domains,
		InternalDomains: cfg.Mail.InternalDomains,
		Hostname:        cfg.Hostname,
	}))
}
