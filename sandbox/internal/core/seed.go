package core

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// seedMarkerKey records the knob values an area was seeded with, so that
// seeding it again with the same ones changes nothing, and an area added to
// an existing database is seeded on its own.
func seedMarkerKey(area string) string { return "sandbox:seeded:" + area }

// Knobs lists the knobs of every area, in area order.
func (s *Engine) Knobs() []Knob {
	var out []Knob
	for _, a := range s.areas {
		out = append(out, a.Knobs...)
	}
	return out
}

// checkSizes refuses unknown knobs and negative sizes.
func (s *Engine) checkSizes(sizes map[string]int) error {
	var names []string
	for _, k := range s.Knobs() {
		names = append(names, k.Name)
	}
	for name, n := range sizes {
		if !slices.Contains(names, name) {
			return fmt.Errorf("sandbox: unknown seed size %q; the knobs are %s", name, strings.Join(names, ", "))
		}
		if n < 0 {
			return fmt.Errorf("sandbox: seed size %s is %d; it cannot be negative", name, n)
		}
	}
	return nil
}

// seedMarker is what seedMarkerKey holds for a: its knobs that are set,
// and its data's format when not the first ("version", which no knob can
// be named).
func seedMarker(a Area, sizes map[string]int) []byte {
	set := map[string]int{}
	for _, k := range a.Knobs {
		if n := sizes[k.Name]; n != 0 {
			set[k.Name] = n
		}
	}
	if a.Version != 0 {
		set[markerVersion] = a.Version
	}
	mark, _ := json.Marshal(set) // a map of ints always encodes
	return mark
}

// markerVersion is the seed marker's entry for Area.Version.
const markerVersion = "version"

// checkFormat refuses an area whose seed marker (old, as stored) records
// another data format than the area's: the database holds data the area
// cannot serve.
func (s *Engine) checkFormat(a Area, old []byte) error {
	var mark map[string]int
	if json.Unmarshal(old, &mark) != nil || mark[markerVersion] == a.Version {
		return nil
	}
	return fmt.Errorf("sandbox: the database holds %s data in format %d, and this sandbox serves format %d "+
		"(ids and documents changed); reset it with `o365 sandbox reset` (or delete the database file) to start again",
		a.Name, mark[markerVersion], a.Version)
}

// Seed loads every area's part of the demo tenant, area after area, in one
// transaction; sizes sets knobs by their full names. An area already seeded
// with the same knob values is skipped, so seeding twice changes nothing;
// one seeded in another data format (Area.Version) is an error that says
// how to reset the database (Reset, which needs no seeding, still works).
func (s *Engine) Seed(ctx context.Context, sizes map[string]int) error {
	if err := s.checkSizes(sizes); err != nil {
		return err
	}
	sd := &SeedContext{Epoch: s.epoch, TenantID: s.tenantID, Domain: s.domain, sizes: sizes}
	return s.st.Write(ctx, func(tx *Tx) error {
		for _, a := range s.areas {
			if a.Seed == nil {
				continue
			}
			mark := seedMarker(a, sizes)
			old, ok, err := tx.KVGet(ctx, seedMarkerKey(a.Name))
			if err != nil {
				return err
			}
			if ok && string(old) == string(mark) {
				continue
			}
			if ok {
				if err := s.checkFormat(a, old); err != nil {
					return err
				}
			}
			if err := a.Seed(ctx, tx, sd); err != nil {
				return fmt.Errorf("sandbox: seed %s: %w", a.Name, err)
			}
			if err := tx.KVPut(ctx, seedMarkerKey(a.Name), mark, time.Time{}); err != nil {
				return err
			}
		}
		return nil
	})
}

// MarkSeeded records the named areas as seeded with sizes without seeding
// them: for databases seeded before areas kept their own records, so in
// the areas' first data format (Area.Version 0).
func (s *Engine) MarkSeeded(ctx context.Context, areas []string, sizes map[string]int) error {
	return s.st.Write(ctx, func(tx *Tx) error {
		for _, a := range s.areas {
			if !slices.Contains(areas, a.Name) {
				continue
			}
			a.Version = 0
			if err := tx.KVPut(ctx, seedMarkerKey(a.Name), seedMarker(a, sizes), time.Time{}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Reset empties the tenant: every object, change, blob and stored grant.
// The engine's own keys (token signing, skip tokens) stay, so clients keep
// trusting it.
func (s *Engine) Reset(ctx context.Context) error {
	return s.st.Write(ctx, func(tx *Tx) error {
		for _, q := range []string{
			`DELETE FROM objects`,
			`DELETE FROM changes`,
			`DELETE FROM blob_chunks`,
			`DELETE FROM blobs`,
			`DELETE FROM kv WHERE key NOT LIKE 'sandbox:secret:%' AND key <> 'idp:identity/signing-key'`,
		} {
			if _, err := tx.q.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("sandbox: reset: %w", err)
			}
		}
		return nil
	})
}
