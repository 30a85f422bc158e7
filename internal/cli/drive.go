package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/o365go/o365"
	"github.com/o365go/o365/drive"
)

func newDriveCommand(s *Session) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "drive",
		Short: "Work with OneDrive and document libraries: files, folders, sharing, sync",
		Long: "Work with the drive of the resource: your OneDrive, another user's (--resource user:ADDR), a\n" +
			"group's (--resource group:ID) or a SharePoint site's (--resource sharepoint:SITE). Remote paths\n" +
			"start at the drive's root: /Documents/report.pdf.",
	}
	cmd.AddCommand(
		newDriveInfoCommand(s),
		newDriveListCommand(s),
		newDriveGetCommand(s),
		newDrivePutCommand(s),
		newDriveMkdirCommand(s),
		newDriveMoveCommand(s),
		newDriveCopyCommand(s),
		newDriveRemoveCommand(s),
		newDriveShareCommand(s),
		newDriveSearchCommand(s),
		newDriveVersionsCommand(s),
		newDriveSyncCommand(s),
	)
	for _, sub := range cmd.Commands() {
		run := sub.RunE
		if name := sub.Name(); name == "get" || name == "put" || name == "sync" {
			run = withTransferGC(run)
		}
		sub.RunE = func(cmd *cobra.Command, args []string) error { return driveHint(run(cmd, args)) }
	}
	return cmd
}

// transferGCPercent is the collector's growth target while a transfer runs.
// A transfer's heap is almost all passing buffers (with --sandbox, the
// embedded sandbox's 1 MiB blob chunks above all), and on a busy machine Go's
// default lets them pile up: a 1 GiB get peaked at 57-63 MB of RSS with
// other work running, 47-48 MB at 50, for a fraction of a second of CPU.
const transferGCPercent = 50

// withTransferGC runs a transfer command with transferGCPercent, unless the
// user set GOGC.
func withTransferGC(run func(*cobra.Command, []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if _, set := os.LookupEnv("GOGC"); !set {
			defer debug.SetGCPercent(debug.SetGCPercent(transferGCPercent))
		}
		return run(cmd, args)
	}
}

// driveHint says what to do about a drive's refusal: unlike a missing
// scope, an item that is not shared with the user needs its owner.
func driveHint(err error) error {
	var e *o365.Error
	if errors.As(err, &e) && e.StatusCode == 403 && e.HasCode("accessDenied") {
		return WithHint(err, "the item is not shared with the signed-in user: ask its owner to share it with you (o365 drive share --to, or an invitation)")
	}
	return err
}

// itemCount is "1 item", "3 items".
func itemCount(n int) string {
	if n == 1 {
		return "1 item"
	}
	return fmt.Sprintf("%d items", n)
}

// driveOf is the drive of the run's resource.
func driveOf(ctx context.Context, s *Session) (*drive.Drive, error) {
	acct, err := s.Account(ctx)
	if err != nil {
		return nil, err
	}
	return drive.New(acct), nil
}

// driveItem is the drive of the run's resource and the item at path p.
func driveItem(ctx context.Context, s *Session, p string) (*drive.Drive, *drive.Item, error) {
	d, err := driveOf(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	it, err := d.GetItemByPath(ctx, p, nil)
	return d, it, err
}

// conflictFlag reads --conflict.
func conflictFlag(v string) (drive.Conflict, error) {
	switch c := drive.Conflict(strings.ToLower(v)); c {
	case drive.ConflictFail, drive.ConflictReplace, drive.ConflictRename:
		return c, nil
	}
	return "", UsageError("--conflict %q: use fail, replace or rename", v)
}

// remotePath is the path of an item from the drive's root, "/a/b".
func remotePath(it *drive.Item) string {
	if it.Root != nil {
		return "/"
	}
	if it.ParentReference == nil {
		return it.Name
	}
	_, dir, ok := strings.Cut(it.ParentReference.Path, "root:")
	if !ok {
		return it.Name
	}
	return path.Join("/", dir, it.Name)
}

func newDriveInfoCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "info",
		Short: "Show the drive: its type, owner and quota",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, err := driveOf(ctx, s)
			if err != nil {
				return err
			}
			info, err := d.Get(ctx)
			if err != nil {
				return err
			}
			return s.Out().Print(info, func() *Table {
				pairs := [][2]string{{"Name", info.Name}, {"Type", info.DriveType}, {"Id", info.ID}, {"Web", info.WebURL}}
				if o := info.Owner; o != nil && o.User != nil {
					pairs = append(pairs, [2]string{"Owner", o.User.DisplayName})
				}
				if q := info.Quota; q != nil {
					pairs = append(pairs,
						[2]string{"Used", fmt.Sprintf("%s of %s (%s)", humanSize(q.Used), humanSize(q.Total), q.State)},
						[2]string{"Recycle bin", humanSize(q.Deleted)},
						[2]string{"Free", humanSize(q.Remaining)})
				}
				return KeyValues(pairs...)
			})
		},
	}
}

func newDriveListCommand(s *Session) *cobra.Command {
	var long, recursive bool
	cmd := &cobra.Command{
		Use:   "ls [PATH]",
		Short: "List a folder (default: the root), or show a file",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, err := driveOf(ctx, s)
			if err != nil {
				return err
			}
			p := "/"
			if len(args) == 1 {
				p = args[0]
			}
			it, err := d.GetItemByPath(ctx, p, nil)
			if err != nil {
				return err
			}
			items := []*drive.Item{it}
			if it.IsFolder() {
				if items, err = o365.Collect(it.ListChildren(ctx, nil, &drive.ChildrenOptions{Recursive: recursive})); err != nil {
					return err
				}
			}
			if items == nil {
				items = []*drive.Item{}
			}
			base := remotePath(it)
			return s.Out().Print(items, func() *Table {
				name := func(c *drive.Item) string {
					n := c.Name
					if recursive {
						n = strings.TrimPrefix(strings.TrimPrefix(remotePath(c), base), "/")
					}
					if c.IsFolder() {
						n += "/"
					}
					return n
				}
				if !long {
					t := NewTable("Name")
					for _, c := range items {
						t.Add(name(c))
					}
					return t
				}
				t := NewTable("Modified", "Size", "Name")
				for _, c := range items {
					size := humanSize(c.Size)
					if c.IsFolder() {
						size = itemCount(c.Folder.ChildCount)
					}
					t.Add(c.LastModifiedDateTime, size, name(c))
				}
				return t
			})
		},
	}
	cmd.Flags().BoolVarP(&long, "long", "l", false, "show sizes and modification times")
	cmd.Flags().BoolVarP(&recursive, "recursive", "R", false, "list everything below the folder")
	return cmd
}

func newDriveGetCommand(s *Session) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "get REMOTE [LOCAL]",
		Short: "Download a file (- for stdout) or a folder",
		Long: "Download a file, or a folder and everything in it. LOCAL defaults to the remote name in the\n" +
			"current directory; an existing directory receives the file under its remote name. The file is\n" +
			"written under a temporary name and renamed once whole and checked against the service's hash.\n" +
			"An existing file is kept unless --force replaces it.",
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, it, err := driveItem(ctx, s, args[0])
			if err != nil {
				return err
			}
			local := ""
			if len(args) == 2 {
				local = args[1]
			}
			if local == "-" {
				if it.IsFolder() {
					return UsageError("%s is a folder: give a local directory, not -", args[0])
				}
				_, err := it.Download(ctx, s.Out().Writer(), nil)
				return err
			}
			name := o365.SafeFileName(it.Name, "download")
			if local == "" {
				local = name
			} else if st, err := os.Stat(local); err == nil && st.IsDir() && !it.IsFolder() {
				local = filepath.Join(local, name)
			}
			if it.IsFolder() {
				return getFolder(ctx, s, d, it, local, force)
			}
			if !force {
				if _, err := os.Lstat(local); err == nil {
					return WithHint(UsageError("%s exists", local), "add --force to replace it, or give another LOCAL")
				}
			}
			p := s.Out().NewProgress(it.Size, it.Name)
			err = it.DownloadFile(ctx, local, &drive.DownloadOptions{Progress: p.Set, NoReplace: !force})
			p.Finish()
			if errors.Is(err, fs.ErrExist) {
				return WithHint(UsageError("%s exists", local), "add --force to replace it, or give another LOCAL")
			}
			if err != nil {
				return err
			}
			return s.Out().Print(it, func() *Table {
				return KeyValues([2]string{"Saved", local}, [2]string{"Size", humanSize(it.Size)})
			})
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace existing local files")
	return cmd
}

// getFolder downloads a folder into local, which must be new or empty
// unless force.
func getFolder(ctx context.Context, s *Session, d *drive.Drive, it *drive.Item, local string, force bool) error {
	if entries, err := os.ReadDir(local); err == nil && len(entries) > 0 && !force {
		return WithHint(UsageError("%s exists and is not empty", local), "add --force to write into it (files there are replaced), or give another LOCAL")
	}
	var files []string
	var p *Progress
	n, err := d.DownloadFolder(ctx, remotePath(it), local, &drive.FolderDownloadOptions{
		OnFile: func(rel string, f *drive.Item) {
			p.Finish()
			p = s.Out().NewProgress(f.Size, rel)
			files = append(files, rel)
		},
		Progress: func(_ string, w, t int64) { p.Set(w, t) },
	})
	p.Finish()
	if err != nil {
		return fmt.Errorf("downloading %s stopped after %d files: %w", remotePath(it), n, err)
	}
	if files == nil {
		files = []string{}
	}
	return s.Out().Print(map[string]any{"folder": local, "files": files}, func() *Table {
		t := NewTable("Saved in " + local)
		for _, f := range files {
			t.Add(f)
		}
		return t
	})
}

// uploadState is what `drive put` keeps to resume an interrupted upload.
type uploadState struct {
	Local    string         `json:"local"`
	Size     int64          `json:"size"`
	Modified time.Time      `json:"modified"`
	Session  *drive.Session `json:"session"`
}

// uploadStateFile names where `drive put` keeps the session of one upload:
// one file per account, local file and remote path, in the state directory.
func uploadStateFile(s *Session, local, remote string) (string, error) {
	dir, err := stateDir(s.Getenv)
	if err != nil {
		return "", err
	}
	who, err := s.handleMailbox()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(who + "\x00" + local + "\x00" + remote))
	return filepath.Join(dir, "drive-uploads", hex.EncodeToString(sum[:12])+".json"), nil
}

// parseSize reads a byte size: 1048576, 320KiB, 10MiB, 1GiB (KB, MB, GB
// are powers of ten).
func parseSize(v string) (int64, error) {
	units := []struct {
		suffix string
		n      int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	num, mult := strings.TrimSpace(v), int64(1)
	for _, u := range units {
		if rest, ok := strings.CutSuffix(num, u.suffix); ok {
			num, mult = strings.TrimSpace(rest), u.n
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a size such as 10MiB", v)
	}
	return n * mult, nil
}

func newDrivePutCommand(s *Session) *cobra.Command {
	var conflict, chunk string
	cmd := &cobra.Command{
		Use:   "put LOCAL [REMOTE]",
		Short: "Upload a file (resumes an interrupted upload of the same file)",
		Long: "Upload a file to REMOTE (default: the root, under its local name; a REMOTE ending in / or\n" +
			"naming a folder receives it under its local name). Large files go through an upload session;\n" +
			"if the upload is interrupted, running the same command again continues where it stopped. The\n" +
			"result is checked against the service's hash. --conflict says what happens when the name is\n" +
			"taken: replace (a new version, the default), rename, or fail.",
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := conflictFlag(conflict)
			if err != nil {
				return err
			}
			chunkSize, err := parseSize(chunk)
			if err != nil {
				return UsageError("--chunk-size: %v", err)
			}
			if chunkSize%(320<<10) != 0 || chunkSize > 60<<20 {
				return UsageError("--chunk-size %s: use a multiple of 320KiB up to 60MiB, such as 5MiB or 10MiB", chunk)
			}
			local, err := filepath.Abs(args[0])
			if err != nil {
				return err
			}
			st, err := os.Stat(local)
			if err != nil {
				return err
			}
			if st.IsDir() {
				return UsageError("%s is a directory: put uploads files", args[0])
			}
			ctx := cmd.Context()
			d, err := driveOf(ctx, s)
			if err != nil {
				return err
			}
			remote := "/"
			if len(args) == 2 {
				remote = args[1]
			}
			if !strings.HasSuffix(remote, "/") {
				if it, err := d.GetItemByPath(ctx, remote, nil); err == nil && it.IsFolder() {
					remote += "/"
				}
			}
			if strings.HasSuffix(remote, "/") {
				remote += filepath.Base(local)
			}
			stateFile, err := uploadStateFile(s, local, remote)
			if err != nil {
				return err
			}
			opts := &drive.UploadOptions{Conflict: c, ChunkSize: chunkSize}
			var saved uploadState
			if data, err := os.ReadFile(stateFile); err == nil && o365.DecodeJSON(data, &saved) == nil &&
				saved.Size == st.Size() && saved.Modified.Equal(st.ModTime()) && saved.Session != nil {
				opts.Session = saved.Session
				s.Out().Notef("resuming the interrupted upload of %s", args[0])
			}
			opts.OnSession = func(sess *drive.Session) error {
				data, err := o365.EncodeJSON(uploadState{Local: local, Size: st.Size(), Modified: st.ModTime(), Session: sess})
				if err != nil {
					return err
				}
				return writeFileAtomic(stateFile, data)
			}
			p := s.Out().NewProgress(st.Size(), filepath.Base(local))
			opts.Progress = p.Set
			it, err := d.UploadFile(ctx, local, remote, opts)
			p.Finish()
			if err != nil {
				if _, serr := os.Stat(stateFile); serr == nil && !errors.Is(err, drive.ErrHashMismatch) {
					return WithHint(err, "run the same command again to continue the upload where it stopped")
				}
				return err
			}
			os.Remove(stateFile)
			return s.Out().Print(it, func() *Table {
				return KeyValues([2]string{"Uploaded", remotePath(it)}, [2]string{"Size", humanSize(it.Size)}, [2]string{"Web", it.WebURL})
			})
		},
	}
	cmd.Flags().StringVar(&conflict, "conflict", "replace", "when the name is taken: fail, replace or rename")
	cmd.Flags().StringVar(&chunk, "chunk-size", "10MiB", "bytes per request of a large upload (a multiple of 320KiB, at most 60MiB)")
	return cmd
}

func newDriveMkdirCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "mkdir PATH...",
		Short: "Create folders, and the folders above them (like mkdir -p)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, err := driveOf(ctx, s)
			if err != nil {
				return err
			}
			var made []*drive.Item
			for _, p := range args {
				it, err := d.CreateFolder(ctx, p)
				if err != nil {
					return err
				}
				made = append(made, it)
			}
			return s.Out().Print(made, func() *Table {
				t := NewTable("Folder")
				for _, it := range made {
					t.Add(remotePath(it))
				}
				return t
			})
		},
	}
}

// destination reads a mv/cp destination: an existing folder (or a path
// ending in /) receives the item under its name; anything else is the
// folder above it and a new name.
func destination(ctx context.Context, d *drive.Drive, dst string) (folder *drive.Item, name string, err error) {
	if !strings.HasSuffix(dst, "/") {
		if it, err := d.GetItemByPath(ctx, dst, nil); err == nil && it.IsFolder() {
			return it, "", nil
		} else if err != nil && !errors.Is(err, o365.ErrNotFound) {
			return nil, "", err
		}
		dir, base := path.Split(dst)
		folder, err := d.GetItemByPath(ctx, dir, nil)
		if err != nil {
			return nil, "", err
		}
		return folder, base, nil
	}
	folder, err = d.GetItemByPath(ctx, dst, nil)
	return folder, "", err
}

// srcDst reads the arguments of mv and cp: the item at SRC, and DST as
// destination reads it.
type srcDst struct {
	item, folder *drive.Item
	name         string
	conflict     drive.Conflict
}

func readSrcDst(ctx context.Context, s *Session, args []string, conflict string) (*srcDst, error) {
	c, err := conflictFlag(conflict)
	if err != nil {
		return nil, err
	}
	d, it, err := driveItem(ctx, s, args[0])
	if err != nil {
		return nil, err
	}
	folder, name, err := destination(ctx, d, args[1])
	if err != nil {
		return nil, err
	}
	return &srcDst{item: it, folder: folder, name: name, conflict: c}, nil
}

func newDriveMoveCommand(s *Session) *cobra.Command {
	var conflict string
	cmd := &cobra.Command{
		Use:   "mv SRC DST",
		Short: "Move or rename an item (DST: a folder, or a new path)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, err := readSrcDst(ctx, s, args, conflict)
			if err != nil {
				return err
			}
			it := a.item
			if err := it.Move(ctx, a.folder, a.name, &drive.MoveOptions{Conflict: a.conflict}); err != nil {
				return err
			}
			return s.Out().Print(it, func() *Table { return KeyValues([2]string{"Moved to", remotePath(it)}) })
		},
	}
	cmd.Flags().StringVar(&conflict, "conflict", "fail", "when the name is taken: fail, replace or rename")
	return cmd
}

func newDriveCopyCommand(s *Session) *cobra.Command {
	var conflict string
	cmd := &cobra.Command{
		Use:   "cp SRC DST",
		Short: "Copy an item and everything in it (DST: a folder, or a new path); waits for the copy",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, err := readSrcDst(ctx, s, args, conflict)
			if err != nil {
				return err
			}
			p := s.Out().NewProgress(100, "copying "+a.item.Name)
			cp, err := a.item.Copy(ctx, a.folder, a.name, &drive.CopyOptions{Conflict: a.conflict, Poll: 500 * time.Millisecond,
				Progress: func(pct float64) { p.Set(int64(pct), 100) }})
			p.Finish()
			if err != nil {
				return err
			}
			return s.Out().Print(cp, func() *Table {
				return KeyValues([2]string{"Copied to", remotePath(cp)}, [2]string{"Size", humanSize(cp.Size)})
			})
		},
	}
	cmd.Flags().StringVar(&conflict, "conflict", "fail", "when the name is taken: fail, replace or rename")
	return cmd
}

// driveOutcome is one path's result in `drive rm`.
type driveOutcome struct {
	Path   string `json:"path"`
	Done   bool   `json:"done"`
	Result string `json:"result"`
	Error  string `json:"error,omitempty"`
}

func newDriveRemoveCommand(s *Session) *cobra.Command {
	var permanent bool
	cmd := &cobra.Command{
		Use:   "rm PATH...",
		Short: "Delete items (to the recycle bin; --permanent for good)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, err := driveOf(ctx, s)
			if err != nil {
				return err
			}
			verb := "deleted"
			if permanent {
				verb = "deleted for good"
			}
			var outs []driveOutcome
			var missing []string
			var firstOther error
			for _, p := range args {
				it, err := d.GetItemByPath(ctx, p, nil)
				if err == nil {
					if permanent {
						err = it.PermanentDelete(ctx)
					} else {
						err = it.Delete(ctx)
					}
				}
				o := driveOutcome{Path: p, Done: err == nil, Result: verb}
				switch {
				case errors.Is(err, o365.ErrNotFound):
					o.Result = "not found"
					missing = append(missing, p)
				case err != nil:
					msg, _ := errorText(err)
					o.Result, o.Error = "failed: "+msg, msg
					if firstOther == nil {
						firstOther = err
					}
				}
				outs = append(outs, o)
			}
			if err := s.Out().Print(outs, func() *Table {
				t := NewTable("Path", "Result")
				for _, o := range outs {
					t.Add(o.Path, o.Result)
				}
				return t
			}); err != nil {
				return err
			}
			switch {
			case firstOther != nil:
				return firstOther
			case len(missing) > 0:
				return WithHint(notFoundError(fmt.Sprintf("%d of %d items were not found: %s", len(missing), len(args), strings.Join(missing, ", "))),
					`check the paths with "o365 drive ls"`)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&permanent, "permanent", false, "delete for good, not to the recycle bin")
	return cmd
}

// parseExpiry reads --expires: a duration ("7d", "36h") from now, a date
// (2026-05-01) or a date and time (RFC 3339).
func parseExpiry(v string, now time.Time) (time.Time, error) {
	if days, ok := strings.CutSuffix(v, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 {
			return now.Add(time.Duration(n) * 24 * time.Hour), nil
		}
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return now.Add(d), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, time.Local); err == nil {
			if !t.After(now) {
				return time.Time{}, UsageError("--expires %s is in the past", v)
			}
			return t, nil
		}
	}
	return time.Time{}, UsageError("--expires %q: give a duration (7d, 36h), a date (2026-05-01) or a date and time", v)
}

func newDriveShareCommand(s *Session) *cobra.Command {
	var edit bool
	var scope, expires string
	var to []string
	cmd := &cobra.Command{
		Use:   "share PATH",
		Short: "Make a sharing link (view, or --edit) and print it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &drive.LinkOptions{Type: drive.LinkView}
			if edit {
				opts.Type = drive.LinkEdit
			}
			switch strings.ToLower(scope) {
			case "org", "organization", "":
				opts.Scope = drive.ScopeOrganization
			case "anonymous", "anyone":
				opts.Scope = drive.ScopeAnonymous
			case "users":
				opts.Scope = drive.ScopeUsers
			default:
				return UsageError("--scope %q: use org, anonymous or users", scope)
			}
			if len(to) > 0 {
				opts.Scope, opts.Recipients = drive.ScopeUsers, to
			}
			if opts.Scope == drive.ScopeUsers && len(to) == 0 {
				return UsageError("a link for --scope users needs --to ADDRESS")
			}
			if expires != "" {
				t, err := parseExpiry(expires, time.Now())
				if err != nil {
					return err
				}
				opts.Expires = t
			}
			ctx := cmd.Context()
			_, it, err := driveItem(ctx, s, args[0])
			if err != nil {
				return err
			}
			link, err := it.CreateLink(ctx, opts)
			if err != nil {
				return err
			}
			return s.Out().Print(link, func() *Table {
				pairs := [][2]string{{"Link", link.Link.WebURL}, {"Access", link.Link.Type + ", " + link.Link.Scope}}
				if !link.ExpirationDateTime.IsZero() {
					pairs = append(pairs, [2]string{"Expires", Cell(link.ExpirationDateTime)})
				}
				return KeyValues(pairs...)
			})
		},
	}
	cmd.Flags().BoolVar(&edit, "edit", false, "an edit link (default: view)")
	cmd.Flags().StringVar(&scope, "scope", "org", "who the link works for: org, anonymous or users")
	cmd.Flags().StringVar(&expires, "expires", "", "when the link ends: 7d, 36h, 2026-05-01 ...")
	cmd.Flags().StringSliceVar(&to, "to", nil, "the addresses a users link works for")
	return cmd
}

func newDriveSearchCommand(s *Session) *cobra.Command {
	var top int
	cmd := &cobra.Command{
		Use:   "search TEXT",
		Short: "Find items whose name or content matches TEXT",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, err := driveOf(ctx, s)
			if err != nil {
				return err
			}
			items, err := o365.Collect(d.Search(ctx, args[0], o365.NewQuery().Limit(top)))
			if err != nil {
				return err
			}
			if items == nil {
				items = []*drive.Item{}
			}
			return s.Out().Print(items, func() *Table {
				t := NewTable("Modified", "Size", "Path")
				for _, it := range items {
					t.Add(it.LastModifiedDateTime, humanSize(it.Size), remotePath(it))
				}
				return t
			})
		},
	}
	cmd.Flags().IntVar(&top, "top", 50, "at most this many items")
	return cmd
}

func newDriveVersionsCommand(s *Session) *cobra.Command {
	var restore string
	cmd := &cobra.Command{
		Use:   "versions PATH",
		Short: "List a file's versions, or bring one back with --restore ID",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			_, it, err := driveItem(ctx, s, args[0])
			if err != nil {
				return err
			}
			versions, err := o365.Collect(it.ListVersions(ctx))
			if err != nil {
				return err
			}
			if restore != "" {
				for _, v := range versions {
					if v.ID == restore {
						if err := v.Restore(ctx); err != nil {
							return err
						}
						s.Out().Notef("version %s of %s is the current one again (as a new version)", restore, args[0])
						return nil
					}
				}
				return WithHint(notFoundError(fmt.Sprintf("%s has no version %s", args[0], restore)), `list them with "o365 drive versions PATH"`)
			}
			return s.Out().Print(versions, func() *Table {
				t := NewTable("Version", "Modified", "Size", "By")
				for _, v := range versions {
					by := ""
					if v.LastModifiedBy != nil && v.LastModifiedBy.User != nil {
						by = v.LastModifiedBy.User.DisplayName
					}
					t.Add(v.ID, v.LastModifiedDateTime, humanSize(v.Size), by)
				}
				return t
			})
		},
	}
	cmd.Flags().StringVar(&restore, "restore", "", "make this version (e.g. 1.0) the current one")
	return cmd
}

// syncOutcome is what `drive sync --json` prints.
type syncOutcome struct {
	*drive.SyncResult
	Changes []drive.SyncChange `json:"changes"`
	State   string             `json:"state"`
}

func newDriveSyncCommand(s *Session) *cobra.Command {
	var stateFile string
	cmd := &cobra.Command{
		Use:   "sync REMOTE LOCAL [--state FILE]",
		Short: "Mirror a remote folder into a local one (one way, only what changed since the last run)",
		Long: "Mirror a remote folder into a local directory, one way: the first run downloads everything, later\n" +
			"runs apply what changed since (new and changed files, moves, renames, deletions), tracked by the\n" +
			"service's delta in the state FILE (by default in the state directory, one per folder pair).\n" +
			"Local changes to mirrored files are overwritten; other local files are left alone.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			local, err := filepath.Abs(args[1])
			if err != nil {
				return err
			}
			if stateFile == "" {
				dir, err := stateDir(s.Getenv)
				if err != nil {
					return err
				}
				who, err := s.handleMailbox()
				if err != nil {
					return err
				}
				sum := sha256.Sum256([]byte(who + "\x00" + args[0] + "\x00" + local))
				stateFile = filepath.Join(dir, "drive-sync", hex.EncodeToString(sum[:12])+".json")
			}
			if err := os.MkdirAll(filepath.Dir(stateFile), 0o700); err != nil {
				return err
			}
			state, err := drive.LoadSyncState(stateFile)
			if err != nil {
				return WithHint(UsageError("%v", err), "give the --state file an earlier drive sync wrote, or a new file name to start over")
			}
			d, err := driveOf(ctx, s)
			if err != nil {
				return err
			}
			var changes []drive.SyncChange
			var p *Progress
			res, err := d.SyncFolder(ctx, args[0], local, state, &drive.SyncOptions{
				OnChange: func(c drive.SyncChange) {
					changes = append(changes, c)
					if !s.Out().JSONMode() && c.Action != "download" {
						s.Out().Notef("%s %s", c.Action, c.Path)
					}
				},
				Progress: func(rel string, w, t int64) {
					if w == 0 {
						p.Finish()
						p = s.Out().NewProgress(t, rel)
					}
					p.Set(w, t)
				},
			})
			p.Finish()
			if errors.Is(err, drive.ErrSyncState) {
				return WithHint(UsageError("%v", err), "give another --state file: a sync state belongs to one folder pair on one service")
			}
			if err != nil {
				return err
			}
			if err := state.Save(stateFile); err != nil {
				return err
			}
			if changes == nil {
				changes = []drive.SyncChange{}
			}
			out := syncOutcome{SyncResult: res, Changes: changes, State: stateFile}
			return s.Out().Print(out, func() *Table {
				t := NewTable("Change", "Path")
				for _, c := range changes {
					t.Add(c.Action, c.Path)
				}
				if len(changes) == 0 {
					t.Add("none", "no changes since the last sync")
				}
				return t
			})
		},
	}
	cmd.Flags().StringVar(&stateFile, "state", "", "file holding the sync state (default: in the state directory)")
	return cmd
}
