package o365test_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

func get(t *testing.T, srv *sandbox.Server, token, path string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.GraphURL()+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func TestNewSandboxServesDemoTenant(t *testing.T) {
	srv := o365test.NewSandbox(t, o365test.WithTLS())
	if code, bob := get(t, srv, o365test.AppToken(t, srv), "users/"+sandbox.DemoBob); code != 200 || bob["id"] != sandbox.DemoBobID || bob["displayName"] != "Bob Baker" {
		t.Fatalf("GET bob: %d %v", code, bob)
	}
	if code, me := get(t, srv, o365test.UserToken(t, srv, sandbox.DemoCarol), "me"); code != 200 || me["id"] != sandbox.DemoCarolID {
		t.Fatalf("GET me as Carol: %d %v", code, me)
	}
}

func TestWithFaults(t *testing.T) {
	srv := o365test.NewSandbox(t, o365test.WithFaults("503=100%"))
	if code, body := get(t, srv, o365test.AppToken(t, srv), "users"); code != 503 {
		t.Fatalf("faulted sandbox answered %d %v", code, body)
	}
}

func TestWithoutSeedIsEmpty(t *testing.T) {
	srv := o365test.NewSandbox(t, o365test.WithoutSeed())
	resp, err := http.PostForm(srv.AuthorityURL("")+"/oauth2/v2.0/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {sandbox.DemoDaemonClientID},
		"client_secret": {sandbox.DemoDaemonSecret}, "scope": {"https://graph.microsoft.com/.default"},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Fatalf("an unseeded tenant knows the demo daemon app")
	}
}
