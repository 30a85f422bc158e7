package core

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"math/rand/v2"
	"testing"
)

// Published QuickXorHash vectors (input and hash in base64), as OneDrive
// computes them.
var quickXorVectors = []struct{ in, out string }{
	{``, "AAAAAAAAAAAAAAAAAAAAAAAAAAA="},
	{`Sg==`, "SgAAAAAAAAAAAAAAAQAAAAAAAAA="},
	{`tbQ=`, "taAFAAAAAAAAAAAAAgAAAAAAAAA="},
	{`2fuxhBJXtpWFe8dOfdGeHw==`, "O9tHLAghgSvYohKFyMMxnNCHaHg="},
	{`T6LYJIfDh81JrAK309H2JMJTXis=`, "zBTHrspn3mEcohlJdIUAbjGNaNg="},
	{`Mb7EGva2rEE5fENDL85P+BsapHEEjv2/siVhKjvAQe02feExVOQSkfmuYzU/kTF1MaKjPmKF/w+cbvwfdWL8aQ==`, "n1anP5NfvD4XDYWIeRPW3ZkPv1Y="},
	{`jyibxJSzO6ZiZ0O1qe3tG/bvIAYssvukh9suIT5wEy1JBINVgPiqdsTW0cOpP0aUfP7mgqLfADkzI/m/GgCuVhr8oFLrOCoTx1/psBOWwhltCbhUx51Icm9aH8tY4Z3ccU+6BKpYQkLCy0B/A9Zc`, "hZfLIilSITC6N3e3tQ/iSgEzkto="},
	{`qwGf2ESubE5jOUHHyc94ORczFYYbc2OmEzo+hBIyzJiNwAzC8PvJqtTzwkWkSslgHFGWQZR2BV5+uYTrYT7HVwRM40vqfj0dBgeDENyTenIOL1LHkjtDKoXEnQ0mXAHoJ8PjbNC93zi5TovVRXTNzfGEs5dpWVqxUzb5lc7dwkyvOluBw482mQ4xrzYyIY1t+//OrNi1ObGXuUw2jBQOFfJVj2Y6BOyYmfB1y36eBxi3zxeG5d5NYjm2GSh6e08QMAwu3zrINcqIzLOuNIiGXBtl7DjKt7b5wqi4oFiRpZsCyx2smhSrdrtK/CkdU6nDN+34vSR/M8rZpWQdBE7a8g==`, "WYT9JY3JIo/pEBp+tIM6Gt2nyTM="},
}

func TestQuickXorHashVectors(t *testing.T) {
	for _, v := range quickXorVectors {
		in, err := base64.StdEncoding.DecodeString(v.in)
		if err != nil {
			t.Fatal(err)
		}
		for _, block := range []int{1, 3, 7, 64, 159, 160, 161, 1000} {
			h := NewQuickXorHash()
			for i := 0; i < len(in); i += block {
				h.Write(in[i:min(i+block, len(in))])
			}
			if got := base64.StdEncoding.EncodeToString(h.Sum(nil)); got != v.out {
				t.Fatalf("%d bytes in blocks of %d: %s, want %s", len(in), block, got, v.out)
			}
		}
	}
}

// A state saved in the middle and restored elsewhere ends at the same hash,
// as an upload session's fragments are hashed across requests.
func TestQuickXorHashStateRoundTrip(t *testing.T) {
	data := make([]byte, 5000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	whole := NewQuickXorHash()
	whole.Write(data)
	want := whole.Sum(nil)
	for _, cut := range []int{0, 1, 159, 160, 777, 4999} {
		h := NewQuickXorHash()
		h.Write(data[:cut])
		state, err := h.(encoding.BinaryMarshaler).MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		h2 := NewQuickXorHash()
		if err := h2.(encoding.BinaryUnmarshaler).UnmarshalBinary(state); err != nil {
			t.Fatal(err)
		}
		h2.Write(data[cut:])
		if !bytes.Equal(h2.Sum(nil), want) {
			t.Fatalf("cut at %d: hash differs after restoring the state", cut)
		}
	}
	if err := NewQuickXorHash().(encoding.BinaryUnmarshaler).UnmarshalBinary([]byte("short")); err == nil {
		t.Fatal("a short state was accepted")
	}
}

func BenchmarkQuickXorHash(b *testing.B) {
	buf := make([]byte, 1<<20)
	h := NewQuickXorHash()
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		h.Write(buf)
	}
}
