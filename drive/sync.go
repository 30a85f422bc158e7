package drive

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/o365go/o365"
)

// SyncItems returns a delta query over the whole drive (OneDrive for
// Business and SharePoint track changes from the root only): a full
// enumeration first, then what changed since deltaLink. Deleted items come
// as removals (the deleted facet). opts may set AutoResync, which restarts
// a round the service refuses (resyncRequired) from scratch.
//
// Graph: GET /me/drive/root/delta
// (https://learn.microsoft.com/graph/api/driveitem-delta).
func (d *Drive) SyncItems(deltaLink string, opts *o365.DeltaOptions) *o365.DeltaQuery[Item] {
	return o365.Delta[Item](d.acct, &o365.Request{Path: d.base + "/root/delta", Collection: d.base + "/items"}, deltaLink, opts)
}

// syncStateVersion is the SyncState layout this package writes.
const syncStateVersion = 1

// SyncState is what a one-way folder sync (SyncFolder) keeps between runs:
// which remote folder it mirrors, the delta link, and each item mirrored
// and where. Keep it with LoadSyncState and Save.
type SyncState struct {
	Version int `json:"version"`
	// Service is the API the state belongs to, so that a state is never
	// used against another tenant's host.
	Service    string                `json:"service"`
	DriveID    string                `json:"driveId"`
	FolderID   string                `json:"folderId"`
	RemotePath string                `json:"remotePath"`
	DeltaLink  string                `json:"deltaLink"`
	Items      map[string]*SyncEntry `json:"items"`
}

// SyncEntry is one mirrored item.
type SyncEntry struct {
	Parent string `json:"parent"`
	Name   string `json:"name"`
	// Local is where it is mirrored, below the local folder, with "/".
	Local  string `json:"local"`
	Folder bool   `json:"folder,omitempty"`
	CTag   string `json:"cTag,omitempty"`
	Size   int64  `json:"size,omitempty"`
}

// ErrSyncState is matched by errors.Is when a sync state belongs to another
// remote folder, drive or service than the sync it is given to.
var ErrSyncState = errors.New("drive: the sync state belongs to another folder")

// LoadSyncState reads a state written by Save; a missing file is a new,
// empty state.
func LoadSyncState(file string) (*SyncState, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return &SyncState{Version: syncStateVersion, Items: map[string]*SyncEntry{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("drive: read sync state: %w", err)
	}
	var s SyncState
	if err := o365.DecodeJSON(data, &s); err != nil || s.Version == 0 {
		return nil, fmt.Errorf("%w: %s is not a drive sync state", ErrSyncState, file)
	}
	if s.Version > syncStateVersion {
		return nil, fmt.Errorf("drive: sync state %s is version %d, newer than this program reads", file, s.Version)
	}
	if s.Items == nil {
		s.Items = map[string]*SyncEntry{}
	}
	return &s, nil
}

// Save writes the state to file (mode 0600), atomically: a crash leaves
// the old state or the new one.
func (s *SyncState) Save(file string) error {
	data, err := o365.EncodeJSON(s)
	if err != nil {
		return fmt.Errorf("drive: save sync state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*.tmp")
	if err != nil {
		return fmt.Errorf("drive: save sync state: %w", err)
	}
	_, err = tmp.Write(data)
	if serr := tmp.Sync(); err == nil {
		err = serr
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("drive: save sync state: %w", err)
	}
	return nil
}

// SyncChange is one thing a sync did locally.
type SyncChange struct {
	// Action is "download", "mkdir", "move" or "delete".
	Action string
	// Path is below the local folder, with "/"; From is the old path of a
	// move.
	Path, From string
	Size       int64
}

// SyncOptions tune SyncFolder; nil means the defaults.
type SyncOptions struct {
	// OnChange, if set, is called after each local change.
	OnChange func(SyncChange)
	// Progress, if set, is each download's progress.
	Progress func(rel string, written, total int64)
	// KeepDeleted keeps local copies of what was deleted on the service.
	KeepDeleted bool
}

// SyncResult counts what a sync did.
type SyncResult struct {
	Downloaded, Deleted, Moved, Folders int
	Bytes                               int64
	// Resynced says the service refused the saved delta link and the
	// folder was enumerated again from scratch.
	Resynced bool
}

// SyncFolder mirrors the remote folder at path remote into the local
// directory local, one way, driven by delta: the first run downloads
// everything, later runs only what changed since state.DeltaLink (new and
// changed files, moves and renames, deletions). state is updated in place
// once everything is applied; save it (Save) for the next run. Remote names
// become safe local names (o365.SafeFileName): nothing is written outside
// local, and no symbolic link inside it is followed. Local changes to
// mirrored files are overwritten; other local files are left alone (a
// folder deleted on the service is removed only once empty).
//
// Graph: GET /drives/{drive-id}/root/delta
// (https://learn.microsoft.com/graph/api/driveitem-delta).
func (d *Drive) SyncFolder(ctx context.Context, remote, local string, state *SyncState, opts *SyncOptions) (*SyncResult, error) {
	var o SyncOptions
	if opts != nil {
		o = *opts
	}
	if state == nil {
		return nil, errors.New("drive: sync: no state (use LoadSyncState)")
	}
	folder, err := d.GetItemByPath(ctx, remote, nil)
	if err != nil {
		return nil, fmt.Errorf("drive: sync %q: %w", remote, err)
	}
	if !folder.IsFolder() {
		return nil, fmt.Errorf("drive: sync %q: it is a file", remote)
	}
	driveID := folder.driveID()
	if driveID == "" {
		info, err := d.Get(ctx)
		if err != nil {
			return nil, fmt.Errorf("drive: sync %q: %w", remote, err)
		}
		driveID = info.ID
	}
	service := d.acct.Protocol().ServiceURL()
	switch {
	case state.FolderID != "" && (state.FolderID != folder.ID || state.DriveID != driveID):
		return nil, fmt.Errorf("%w: it mirrors %q (folder %s), not %q", ErrSyncState, state.RemotePath, state.FolderID, remote)
	case state.Service != "" && state.Service != service:
		return nil, fmt.Errorf("%w: it was made against %s, not %s", ErrSyncState, state.Service, service)
	}
	if err := os.MkdirAll(local, 0o755); err != nil {
		return nil, fmt.Errorf("drive: sync: %w", err)
	}
	s := &syncRun{d: d.Drive(driveID), root: folder.ID, local: local, opts: &o, res: &SyncResult{}}
	if err := s.collect(ctx, state.DeltaLink); err != nil {
		return nil, err
	}
	next := s.tree(state)
	if err := s.apply(ctx, state.Items, next); err != nil {
		return s.res, err
	}
	state.Version, state.Service, state.DriveID, state.FolderID, state.RemotePath = syncStateVersion, service, driveID, folder.ID, remote
	state.Items, state.DeltaLink = next, s.link
	return s.res, nil
}

// syncRun is one SyncFolder call.
type syncRun struct {
	d     *Drive
	root  string // the remote folder's id
	local string
	opts  *SyncOptions
	res   *SyncResult

	changed map[string]*Item // items of the round, by id (the last wins)
	removed map[string]bool
	full    bool // the round enumerated everything
	link    string
}

// collect reads one delta round (all of it, before anything is applied).
func (s *syncRun) collect(ctx context.Context, link string) error {
	s.changed, s.removed, s.full = map[string]*Item{}, map[string]bool{}, link == ""
	q := s.d.SyncItems(link, &o365.DeltaOptions{AutoResync: true, OnResync: func(*o365.ResyncError) {
		// A new full round: what it does not list is gone.
		s.changed, s.removed, s.full, s.res.Resynced = map[string]*Item{}, map[string]bool{}, true, true
	}})
	for c, err := range q.Changes(ctx) {
		if err != nil {
			return fmt.Errorf("drive: sync: %w", err)
		}
		if c.Removed {
			delete(s.changed, c.ID)
			s.removed[c.ID] = true
			continue
		}
		delete(s.removed, c.ID)
		s.changed[c.ID] = c.Item
	}
	s.link = q.DeltaLink()
	return nil
}

// tree is the mirrored tree after the round: the state's items (unless the
// round was full) with the round's changes, limited to what is below the
// synced folder, each with its local path.
func (s *syncRun) tree(state *SyncState) map[string]*SyncEntry {
	next := map[string]*SyncEntry{}
	if !s.full {
		for id, e := range state.Items {
			cp := *e
			next[id] = &cp
		}
	}
	for id := range s.removed {
		delete(next, id)
	}
	for id, it := range s.changed {
		if id == s.root || it.Root != nil || it.ParentReference == nil {
			delete(next, id)
			continue
		}
		next[id] = &SyncEntry{Parent: it.ParentReference.ID, Name: it.Name, Folder: it.IsFolder(), CTag: it.CTag, Size: it.Size}
	}
	// Keep what is below the synced folder.
	in := map[string]bool{s.root: true}
	var below func(id string, depth int) bool
	below = func(id string, depth int) bool {
		if v, ok := in[id]; ok {
			return v
		}
		e, ok := next[id]
		if !ok || depth > 1000 {
			return false
		}
		in[id] = false // a loop reads as outside
		in[id] = below(e.Parent, depth+1)
		return in[id]
	}
	for id := range next {
		if !below(id, 0) {
			delete(next, id)
		}
	}
	// Local paths, parents first; siblings whose safe names collide get
	// " (N)", in id order so that runs agree.
	children := map[string][]string{}
	for id, e := range next {
		children[e.Parent] = append(children[e.Parent], id)
	}
	var place func(parent, dir string)
	place = func(parent, dir string) {
		ids := children[parent]
		slices.SortFunc(ids, func(a, b string) int { return cmp.Compare(a, b) })
		used := map[string]bool{}
		for _, id := range ids {
			e := next[id]
			e.Local = path.Join(dir, uniqueName(o365.SafeFileName(e.Name, "file"), used))
			if e.Folder {
				place(id, e.Local)
			}
		}
	}
	place(s.root, "")
	return next
}

// apply makes the local folder match next, coming from old.
func (s *syncRun) apply(ctx context.Context, old, next map[string]*SyncEntry) error {
	// Deletions first, files before folders, deepest folders first.
	if !s.opts.KeepDeleted {
		var gone []*SyncEntry
		for id, e := range old {
			if _, ok := next[id]; !ok {
				gone = append(gone, e)
			}
		}
		slices.SortFunc(gone, func(a, b *SyncEntry) int {
			if a.Folder != b.Folder {
				if a.Folder {
					return 1
				}
				return -1
			}
			return cmp.Compare(strings.Count(b.Local, "/"), strings.Count(a.Local, "/"))
		})
		for _, e := range gone {
			if err := s.remove(e); err != nil {
				return err
			}
		}
	}
	// Moves; a folder's move carries what is in it.
	var moved []string
	for id, e := range next {
		if o, ok := old[id]; ok && o.Local != e.Local {
			moved = append(moved, id)
		}
	}
	// Folders first (a file moving into a renamed folder must find it
	// renamed, not made anew), shallow ones first.
	slices.SortFunc(moved, func(a, b string) int {
		if fa, fb := next[a].Folder, next[b].Folder; fa != fb {
			if fa {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(strings.Count(old[a].Local, "/"), strings.Count(old[b].Local, "/")); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	renamed := map[string]string{} // old folder path -> new
	for _, id := range moved {
		from := relocate(old[id].Local, renamed)
		to := next[id].Local
		if from == to {
			continue
		}
		if err := s.move(from, to); err != nil {
			return err
		}
		if next[id].Folder {
			renamed[old[id].Local] = to
		}
	}
	// Folders, then files that are new, changed or missing.
	var ids []string
	for id := range next {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Compare(next[a].Local, next[b].Local) })
	for _, id := range ids {
		e := next[id]
		abs, err := s.path(e.Local)
		if err != nil {
			return err
		}
		if e.Folder {
			if st, err := os.Lstat(abs); err == nil && st.IsDir() {
				continue
			}
			if err := s.clear(abs); err != nil {
				return err
			}
			if err := os.Mkdir(abs, 0o755); err != nil {
				return fmt.Errorf("drive: sync: %w", err)
			}
			s.res.Folders++
			s.report(SyncChange{Action: "mkdir", Path: e.Local})
			continue
		}
		o, known := old[id]
		st, statErr := os.Lstat(abs)
		fresh := known && o.CTag == e.CTag && statErr == nil && st.Mode().IsRegular() && st.Size() == e.Size
		if fresh {
			continue
		}
		if err := s.download(ctx, id, e, abs); err != nil {
			return err
		}
	}
	return nil
}

// relocate is where an old path is now that folders above it moved.
func relocate(p string, renamed map[string]string) string {
	for i := len(p); i > 0; i = strings.LastIndexByte(p[:i], '/') {
		if to, ok := renamed[p[:i]]; ok {
			return to + p[i:]
		}
	}
	return p
}

// path is the absolute path of rel (made of safe names) below the local
// folder, refusing anything that would leave it or pass through a
// symbolic link.
func (s *syncRun) path(rel string) (string, error) {
	if !filepath.IsLocal(filepath.FromSlash(rel)) {
		return "", fmt.Errorf("drive: sync: %q would leave the local folder", rel)
	}
	cur := s.local
	segs := strings.Split(rel, "/")
	for i, seg := range segs {
		cur = filepath.Join(cur, seg)
		if i == len(segs)-1 {
			break
		}
		if st, err := os.Lstat(cur); err == nil && st.Mode()&fs.ModeSymlink != 0 {
			return "", fmt.Errorf("drive: sync: %s is a symbolic link; the sync does not write through links", cur)
		}
	}
	return cur, nil
}

// clear removes what is at abs when it is in the way of a folder or a file
// (a symbolic link, a file where a folder goes); a non-empty directory
// where a file goes is refused.
func (s *syncRun) clear(abs string) error {
	st, err := os.Lstat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("drive: sync: %w", err)
	}
	if st.IsDir() {
		if err := os.Remove(abs); err != nil {
			return fmt.Errorf("drive: sync: %s is a local folder in the way of a file: %w", abs, err)
		}
		return nil
	}
	return os.Remove(abs)
}

// download writes one file.
func (s *syncRun) download(ctx context.Context, id string, e *SyncEntry, abs string) error {
	it := s.changed[id]
	if it == nil || it.DownloadURL() == "" {
		var err error
		if it, err = s.d.GetItem(ctx, id, nil); err != nil {
			return fmt.Errorf("drive: sync: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return fmt.Errorf("drive: sync: %w", err)
	}
	if st, err := os.Lstat(abs); err == nil && !st.Mode().IsRegular() {
		if err := s.clear(abs); err != nil {
			return err
		}
	}
	var dopts *DownloadOptions
	if s.opts.Progress != nil {
		rel := e.Local
		dopts = &DownloadOptions{Progress: func(w, t int64) { s.opts.Progress(rel, w, t) }}
	}
	if err := it.DownloadFile(ctx, abs, dopts); err != nil {
		return fmt.Errorf("drive: sync: %w", err)
	}
	e.CTag, e.Size = it.CTag, it.Size
	s.res.Downloaded++
	s.res.Bytes += it.Size
	s.report(SyncChange{Action: "download", Path: e.Local, Size: it.Size})
	return nil
}

// move renames a mirrored item locally.
func (s *syncRun) move(from, to string) error {
	src, err := s.path(from)
	if err != nil {
		return err
	}
	dst, err := s.path(to)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(src); errors.Is(err, fs.ErrNotExist) {
		return nil // gone locally: the file is downloaded again below
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("drive: sync: %w", err)
	}
	if err := s.clear(dst); err != nil {
		return err
	}
	if err := os.Rename(src, dst); err != nil {
		return fmt.Errorf("drive: sync: %w", err)
	}
	s.res.Moved++
	s.report(SyncChange{Action: "move", Path: to, From: from})
	return nil
}

// remove deletes a mirrored item the service deleted; a folder only when
// it is empty.
func (s *syncRun) remove(e *SyncEntry) error {
	abs, err := s.path(e.Local)
	if err != nil {
		return err
	}
	st, err := os.Lstat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("drive: sync: %w", err)
	}
	if e.Folder != st.IsDir() {
		return nil // something else is there now: not ours to delete
	}
	if err := os.Remove(abs); err != nil {
		if e.Folder {
			return nil // not empty: local files stay
		}
		return fmt.Errorf("drive: sync: %w", err)
	}
	s.res.Deleted++
	s.report(SyncChange{Action: "delete", Path: e.Local})
	return nil
}

func (s *syncRun) report(c SyncChange) {
	if s.opts.OnChange != nil {
		s.opts.OnChange(c)
	}
}
