package core

import (
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"hash"
)

// quickXorWidth is the width of OneDrive's QuickXorHash in bits; every byte
// of the input is XORed into the 160-bit state 11 bits after the previous one.
const (
	quickXorWidth = 160
	quickXorShift = 11
	quickXorBytes = quickXorWidth / 8
)

// quickXor is OneDrive's QuickXorHash (the file.hashes.quickXorHash of
// business drives), written from Microsoft's description of the algorithm.
// Byte k lands at bit (11k mod 160) of the state, so bytes 160 apart land
// at the same place: the state is kept as 160 byte accumulators, one per
// position, that blocks are XORed into wholesale, and spread over the 160
// bits only when the sum is taken.
type quickXor struct {
	acc [quickXorWidth]byte // acc[i] is the XOR of the bytes k with k mod 160 == i
	n   int64               // bytes written
}

// NewQuickXorHash returns OneDrive's QuickXorHash: a 20-byte hash.Hash whose
// base64 encoding is a driveItem's file.hashes.quickXorHash. Its state can
// be saved and restored with MarshalBinary and UnmarshalBinary, so an upload
// session hashes its fragments as they arrive, across requests.
func NewQuickXorHash() hash.Hash { return &quickXor{} }

func (q *quickXor) Write(p []byte) (int, error) {
	total := len(p)
	pos := int(q.n % quickXorWidth)
	if pos != 0 {
		m := min(quickXorWidth-pos, len(p))
		subtle.XORBytes(q.acc[pos:pos+m], q.acc[pos:pos+m], p[:m])
		p = p[m:]
	}
	for len(p) >= quickXorWidth {
		subtle.XORBytes(q.acc[:], q.acc[:], p[:quickXorWidth])
		p = p[quickXorWidth:]
	}
	if len(p) > 0 {
		subtle.XORBytes(q.acc[:len(p)], q.acc[:len(p)], p)
	}
	q.n += int64(total)
	return total, nil
}

// Sum appends the hash: the accumulators spread over the 160 bits, then the
// length (little-endian) XORed into the last 8 bytes.
func (q *quickXor) Sum(b []byte) []byte {
	var out [quickXorBytes]byte
	for i, v := range q.acc {
		if v == 0 {
			continue
		}
		bit := (i * quickXorShift) % quickXorWidth
		lo := bit / 8
		off := uint(bit % 8)
		w := uint16(v) << off
		out[lo] ^= byte(w)
		if off != 0 {
			out[(lo+1)%quickXorBytes] ^= byte(w >> 8)
		}
	}
	var length [8]byte
	binary.LittleEndian.PutUint64(length[:], uint64(q.n))
	for i, v := range length {
		out[quickXorBytes-8+i] ^= v
	}
	return append(b, out[:]...)
}

func (q *quickXor) Reset()         { *q = quickXor{} }
func (q *quickXor) Size() int      { return quickXorBytes }
func (q *quickXor) BlockSize() int { return quickXorWidth }

// MarshalBinary saves the state: the accumulators and the length.
func (q *quickXor) MarshalBinary() ([]byte, error) {
	out := make([]byte, 0, quickXorWidth+8)
	out = append(out, q.acc[:]...)
	return binary.LittleEndian.AppendUint64(out, uint64(q.n)), nil
}

// UnmarshalBinary restores a state saved by MarshalBinary.
func (q *quickXor) UnmarshalBinary(b []byte) error {
	if len(b) != quickXorWidth+8 {
		return errors.New("sandbox: quickXorHash state has the wrong length")
	}
	copy(q.acc[:], b[:quickXorWidth])
	q.n = int64(binary.LittleEndian.Uint64(b[quickXorWidth:]))
	return nil
}
