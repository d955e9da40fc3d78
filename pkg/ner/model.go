package ner

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// model holds the quantised weights of the linear-chain tagger: one row of
// numTags int16 weights per hashed feature, and float transition scores
// (row numTags is the sentence start). Most hashed rows are zero, so only
// non-zero rows are stored, packed, behind an index.
type model struct {
	bits  uint
	index []int32  // hashed row -> packed row (0: the all-zero row)
	ids   []uint32 // packed row p (p >= 1) is hashed row ids[p-1]
	w     []int16  // packed rows, numTags weights each; row 0 is zero
	scale float32
	trans [(numTags + 1) * numTags]float32
}

// newModel returns an empty model with 1<<bits hashed rows.
func newModel(bits uint) *model {
	return &model{bits: bits, index: make([]int32, 1<<bits), w: make([]int16, numTags), scale: 1}
}

// addRow stores the weights of hashed row r; rows must be added in
// increasing order and only when non-zero.
func (m *model) addRow(r int, row []int16) {
	m.index[r] = int32(len(m.ids) + 1)
	m.ids = append(m.ids, uint32(r))
	m.w = append(m.w, row...)
}

// modelMagic starts every model file.
const modelMagic = "WSNER\x01"

// maxModelBits bounds the weight table a model file may ask for.
const maxModelBits = 24

// emissions fills e[i*numTags+k] with the score of tag k at token i.
func (m *model) emissions(feats []uint32, offs []int32, e []float32) {
	n := len(offs) - 1
	for i := 0; i < n; i++ {
		var acc [numTags]int32
		for _, r := range feats[offs[i]:offs[i+1]] {
			p := int(m.index[r])
			if p == 0 {
				continue
			}
			row := m.w[p*numTags : p*numTags+numTags]
			for k := range acc {
				acc[k] += int32(row[k])
			}
		}
		out := e[i*numTags : i*numTags+numTags]
		for k := range acc {
			out[k] = float32(acc[k]) * m.scale
		}
	}
}

// negInf marks impossible Viterbi states.
var negInf = float32(math.Inf(-1))

// viterbi returns the best BILOU tag sequence for emission scores e
// (n tokens) under transition scores trans, writing it into out. back and
// delta are scratch buffers of at least n*numTags entries.
func viterbi(e []float32, n int, trans *[(numTags + 1) * numTags]float32, out []int, back []uint8, delta []float32) {
	if n == 0 {
		return
	}
	for k := 0; k < numTags; k++ {
		if allowedStart[k] {
			delta[k] = trans[numTags*numTags+k] + e[k]
		} else {
			delta[k] = negInf
		}
	}
	for i := 1; i < n; i++ {
		prev := delta[(i-1)*numTags : i*numTags]
		cur := delta[i*numTags : (i+1)*numTags]
		for k := 0; k < numTags; k++ {
			best, arg := negInf, 0
			for _, p8 := range predecessors[k] {
				p := int(p8)
				if prev[p] == negInf {
					continue
				}
				if s := prev[p] + trans[p*numTags+k]; s > best {
					best, arg = s, p
				}
			}
			if best == negInf {
				cur[k] = negInf
			} else {
				cur[k] = best + e[i*numTags+k]
			}
			back[i*numTags+k] = uint8(arg)
		}
	}
	last := delta[(n-1)*numTags : n*numTags]
	best, arg := negInf, 0
	for k := 0; k < numTags; k++ {
		if allowedEnd[k] && last[k] > best {
			best, arg = last[k], k
		}
	}
	out[n-1] = arg
	for i := n - 1; i > 0; i-- {
		out[i-1] = int(back[i*numTags+out[i]])
	}
}

// quantise builds an int16 model from float weights, dropping weights
// whose magnitude is below prune (in weight units).
func quantise(bits uint, w []float32, trans []float32, prune float32) *model {
	var max float32
	for _, v := range w {
		if v < 0 {
			v = -v
		}
		if v > max {
			max = v
		}
	}
	m := newModel(bits)
	if max > 0 {
		m.scale = max / 32767
	}
	var row [numTags]int16
	for r := 0; r < len(w)/numTags; r++ {
		nz := false
		for k, v := range w[r*numTags : (r+1)*numTags] {
			row[k] = 0
			if v < prune && v > -prune {
				continue
			}
			row[k] = int16(math.Round(float64(v / m.scale)))
			nz = nz || row[k] != 0
		}
		if nz {
			m.addRow(r, row[:])
		}
	}
	copy(m.trans[:], trans)
	return m
}

// writeModelFile serialises a tagger: a header, then per stage its
// stacking flag, transitions and non-zero weight rows (sparse-coded), then
// the word clusters and the training-entity dictionary, all
// gzip-compressed.
func writeModelFile(w io.Writer, version string, stages []stage, clusters map[uint64]uint16, dict *gazetteer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("ner: model compressor: %w", err)
	}
	bw := bufio.NewWriter(zw)
	var buf [binary.MaxVarintLen64]byte
	uv := func(v uint64) { bw.Write(buf[:binary.PutUvarint(buf[:], v)]) }
	bw.WriteString(modelMagic)
	uv(uint64(len(version)))
	bw.WriteString(version)
	uv(uint64(len(stages)))
	for _, st := range stages {
		stacked := uint64(0)
		if st.x.stacked {
			stacked = 1
		}
		uv(stacked)
		st.m.writeBody(bw)
	}
	uv(uint64(len(clusters)))
	for _, k := range sortedKeys(clusters) {
		binary.Write(bw, binary.LittleEndian, k)
		uv(uint64(clusters[k]))
	}
	if dict != nil {
		uv(uint64(dict.maxLen))
		uv(uint64(len(dict.entries)))
		for _, k := range sortedKeys(dict.entries) {
			binary.Write(bw, binary.LittleEndian, k)
			uv(uint64(dict.entries[k]))
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("ner: writing model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("ner: writing model: %w", err)
	}
	return nil
}

// writeBody writes the table size, scale, transitions and sparse rows.
// Errors surface when the caller flushes bw.
func (m *model) writeBody(bw *bufio.Writer) {
	var buf [binary.MaxVarintLen64]byte
	uv := func(v uint64) { bw.Write(buf[:binary.PutUvarint(buf[:], v)]) }
	sv := func(v int64) { bw.Write(buf[:binary.PutVarint(buf[:], v)]) }
	uv(uint64(m.bits))
	binary.Write(bw, binary.LittleEndian, m.scale)
	binary.Write(bw, binary.LittleEndian, m.trans[:])
	uv(uint64(len(m.ids)))
	last := 0
	for p, id := range m.ids {
		r := int(id)
		row := m.w[(p+1)*numTags : (p+2)*numTags]
		uv(uint64(r - last))
		last = r
		uv(uint64(rowMask(row)))
		for _, v := range row {
			if v != 0 {
				sv(int64(v))
			}
		}
	}
}

// rowMask returns a bit per non-zero weight of row.
func rowMask(row []int16) uint32 {
	var m uint32
	for k, v := range row {
		if v != 0 {
			m |= 1 << k
		}
	}
	return m
}

// errBadModel reports a malformed model file.
var errBadModel = errors.New("ner: malformed model file")

// maxStages bounds the passes a model file may declare.
const maxStages = 4

// readModelFile parses a file written by writeModelFile, returning the
// stages' models with their stacking flags.
func readModelFile(r io.Reader) (models []*model, stacked []bool, version string, clusters map[uint64]uint16, dict *gazetteer, err error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, nil, "", nil, nil, fmt.Errorf("ner: opening model: %w", err)
	}
	defer zr.Close()
	br := bufio.NewReader(zr)
	fail := func(what string, err error) ([]*model, []bool, string, map[uint64]uint16, *gazetteer, error) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, nil, "", nil, nil, fmt.Errorf("%w: %s: %w", errBadModel, what, err)
	}
	magic := make([]byte, len(modelMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != modelMagic {
		return fail("magic", err)
	}
	n, err := binary.ReadUvarint(br)
	if err != nil || n > 1024 {
		return fail("version", err)
	}
	vb := make([]byte, n)
	if _, err := io.ReadFull(br, vb); err != nil {
		return fail("version", err)
	}
	ns, err := binary.ReadUvarint(br)
	if err != nil || ns == 0 || ns > maxStages {
		return fail("stage count", err)
	}
	for i := uint64(0); i < ns; i++ {
		st, err := binary.ReadUvarint(br)
		if err != nil || st > 1 || (i == 0 && st != 0) {
			return fail("stage kind", err)
		}
		m, err := readBody(br)
		if err != nil {
			return fail(fmt.Sprintf("stage %d", i+1), err)
		}
		models = append(models, m)
		stacked = append(stacked, st == 1)
	}
	nc, err := binary.ReadUvarint(br)
	if err != nil || nc > 1<<24 {
		return fail("cluster count", err)
	}
	if nc > 0 {
		clusters = make(map[uint64]uint16, nc)
	}
	for i := uint64(0); i < nc; i++ {
		var k uint64
		if err := binary.Read(br, binary.LittleEndian, &k); err != nil {
			return fail("cluster key", err)
		}
		c, err := binary.ReadUvarint(br)
		if err != nil || c > math.MaxUint16 {
			return fail("cluster id", err)
		}
		clusters[k] = uint16(c)
	}
	// The entity dictionary is optional (older files end here).
	ml, err := binary.ReadUvarint(br)
	if err == io.EOF {
		return models, stacked, string(vb), clusters, nil, nil
	}
	if err != nil || ml > maxStackSpan {
		return fail("dictionary span", err)
	}
	nd, err := binary.ReadUvarint(br)
	if err != nil || nd > 1<<24 {
		return fail("dictionary size", err)
	}
	dict = &gazetteer{entries: make(map[uint64]uint16, nd), maxLen: int(ml)}
	for i := uint64(0); i < nd; i++ {
		var k uint64
		if err := binary.Read(br, binary.LittleEndian, &k); err != nil {
			return fail("dictionary key", err)
		}
		c, err := binary.ReadUvarint(br)
		if err != nil || c > math.MaxUint16 {
			return fail("dictionary entry", err)
		}
		dict.entries[k] = uint16(c)
	}
	return models, stacked, string(vb), clusters, dict, nil
}

// readBody parses what writeBody wrote.
func readBody(br *bufio.Reader) (*model, error) {
	bad := func(what string, err error) (*model, error) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	bitsN, err := binary.ReadUvarint(br)
	if err != nil || bitsN < 8 || bitsN > maxModelBits {
		return bad("table size", err)
	}
	m := newModel(uint(bitsN))
	if err := binary.Read(br, binary.LittleEndian, &m.scale); err != nil {
		return bad("scale", err)
	}
	if err := binary.Read(br, binary.LittleEndian, m.trans[:]); err != nil {
		return bad("transitions", err)
	}
	rows := 1 << bitsN
	nz, err := binary.ReadUvarint(br)
	if err != nil || nz > uint64(rows) {
		return bad("row count", err)
	}
	m.ids = make([]uint32, 0, nz)
	m.w = make([]int16, numTags, int(nz+1)*numTags)
	r0 := 0
	var row [numTags]int16
	for i := uint64(0); i < nz; i++ {
		d, err := binary.ReadUvarint(br)
		if err != nil || d > uint64(rows) || (i > 0 && d == 0) {
			return bad("row index", err)
		}
		r0 += int(d)
		mask, err := binary.ReadUvarint(br)
		if err != nil || r0 >= rows || mask == 0 || mask >= 1<<numTags {
			return bad("row mask", err)
		}
		row = [numTags]int16{}
		for k := range row {
			if mask&(1<<k) == 0 {
				continue
			}
			v, err := binary.ReadVarint(br)
			if err != nil || v < math.MinInt16 || v > math.MaxInt16 {
				return bad("weight", err)
			}
			row[k] = int16(v)
		}
		m.addRow(r0, row[:])
	}
	return m, nil
}
