package o365

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"
)

func TestWaitOperationForeignMonitor(t *testing.T) {
	monitor := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		if n < 3 {
			w.WriteHeader(http.StatusAccepted)
			io.WriteString(w, `{"operation":"ItemCopy","percentageComplete":27.8,"status":"inProgress"}`)
			return
		}
		io.WriteString(w, `{"percentageComplete":100.0,"resourceId":"01MOWKYVJML57KN2ANMBA3JZJS2MBGC7KM","status":"completed"}`)
	})
	graph := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { t.Error("the service was called") })
	a := newTestAccount(t, graph.URL)
	var seen []string
	progress := func(op *AsyncOperation) { seen = append(seen, fmt.Sprintf("%s %g", op.Status, op.PercentageComplete)) }
	op, err := a.WaitOperation(context.Background(), monitor.URL+"/_api/v2.0/monitor/4A3407B5?tempauth=x", &WaitOptions{Poll: time.Millisecond, Progress: progress})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"inProgress 27.8", "inProgress 27.8", "completed 100"}; !slices.Equal(seen, want) {
		t.Errorf("progress %q, want %q", seen, want)
	}
	if *op != (AsyncOperation{Status: "completed", PercentageComplete: 100, ResourceID: "01MOWKYVJML57KN2ANMBA3JZJS2MBGC7KM"}) {
		t.Errorf("op %+v", op)
	}
	reqs := monitor.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d polls", len(reqs))
	}
	for _, r := range reqs {
		if r.Method != "GET" || r.URI != "/_api/v2.0/monitor/4A3407B5?tempauth=x" || r.Header.Get("Authorization") != "" {
			t.Errorf("poll %s %s %v", r.Method, r.URI, r.Header)
		}
	}
}

func TestWaitOperationTeams(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1.0/teams('t1')/operations('op1')":
			status := "inProgress"
			if n > 1 {
				status = "succeeded"
			}
			io.WriteString(w, `{"id":"op1","operationType":"createTeam","status":"`+status+`","targetResourceId":"t1","targetResourceLocation":"/teams('t1')"}`)
		case "/v1.0/teams('t2')/operations('op2')":
			io.WriteString(w, `{"id":"op2","operationType":"cloneTeam","status":"failed","error":{"code":"Conflict","message":"name taken"}}`)
		default:
			w.WriteHeader(404)
		}
	})
	a := newTestAccount(t, srv.URL)
	op, err := a.WaitOperation(context.Background(), "/teams('t1')/operations('op1')", &WaitOptions{Poll: time.Millisecond})
	want := AsyncOperation{ID: "op1", Operation: "createTeam", Status: "succeeded", ResourceID: "t1", ResourceLocation: "/teams('t1')"}
	if err != nil || *op != want {
		t.Fatalf("op %+v, err %v", op, err)
	}
	for _, r := range srv.requests() {
		if r.Header.Get("Authorization") != "Bearer tok-123" {
			t.Errorf("same-host poll without the token: %v", r.Header)
		}
	}

	op, err = a.WaitOperation(context.Background(), "teams('t2')/operations('op2')", &WaitOptions{Poll: time.Millisecond})
	var oe *OperationError
	if !errors.Is(err, ErrOperationFailed) || !errors.As(err, &oe) || oe.Op != op || op.ErrorCode != "Conflict" || op.ErrorMessage != "name taken" {
		t.Errorf("failed op %+v, err %v", op, err)
	}
	if _, err := a.WaitOperation(context.Background(), "/teams('x')/operations('y')", &WaitOptions{Poll: time.Millisecond}); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing monitor: %v", err)
	}
}

func TestWaitOperationStops(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path == "/blank" {
			io.WriteString(w, `{}`)
			return
		}
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, `{"status":"inProgress"}`)
	})
	a := newTestAccount(t, srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	op, err := a.WaitOperation(ctx, srv.URL+"/m", &WaitOptions{Poll: time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) || op == nil || op.Status != "inProgress" {
		t.Errorf("op %+v, err %v", op, err)
	}
	if _, err := a.WaitOperation(context.Background(), srv.URL+"/blank", &WaitOptions{Poll: time.Millisecond}); err == nil {
		t.Error("a 200 without a status: no error")
	}
}
