package groups_test

import (
	"fmt"
	"testing"

	"github.com/o365go/o365/groups"
	"github.com/o365go/o365/o365test"
)

// BenchmarkAddRemove100 adds 100 members to a group and removes them again
// through $batch (5 requests of 20 each way), client and in-process sandbox
// together.
func BenchmarkAddRemove100(b *testing.B) {
	srv := o365test.NewSandbox(b)
	ctx := ctxT(b)
	g := appGroups(b, srv, nil)
	people := newUsers(b, srv, "Bench", 100)
	n := 0
	for b.Loop() {
		n++
		grp, err := g.Create(ctx, groups.NewSecurityGroup(fmt.Sprintf("Bench %d", n), fmt.Sprintf("bench%d", n)), nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := g.AddMembers(ctx, grp.ID, people...); err != nil {
			b.Fatal(err)
		}
		if err := g.RemoveMembers(ctx, grp.ID, people...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n*200), "µs/change")
}
