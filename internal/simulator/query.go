package simulator

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

const (
	defaultPageSize = 10
	maxPageSize     = 25
)

// query is the parsed query string of a request.
type query struct {
	include [][]string
	fields  map[string]map[string]bool // type -> attribute/relationship names
	filters []*predicate
	sorts   []sortKey
	page    int
	size    int
}

type sortKey struct {
	name string
	desc bool
}

// predicate is one filter[q][<attrs>_<matcher>]=value.
type predicate struct {
	param   string
	paths   []filterPath // ORed
	matcher string       // base matcher, e.g. "eq", "not_cont"
	mode    string       // "", "any" or "all"
	value   string
}

// filterPath reaches an attribute, possibly through relationships.
type filterPath struct {
	rels []*relDef
	ent  *entity
	attr *attrDef // nil = id
}

func (p filterPath) kind() kind {
	if p.attr == nil {
		return kString
	}
	return p.attr.kind
}

// matchers known to the filter syntax (source: the Core filtering page, and
// for eq_or_null, not_eq_or_null, in_or_null, not_in_or_null and jcont the
// SDK's query.ts). Those in multiMatchers also exist with the _any and _all
// suffixes.
var (
	baseMatchers = []string{
		"eq", "eq_or_null", "not_eq", "not_eq_or_null", "lt", "lteq", "gt", "gteq", "in", "not_in",
		"in_or_null", "not_in_or_null", "null", "not_null",
		"present", "blank", "true", "not_true", "false", "not_false", "matches", "does_not_match",
		"start", "not_start", "end", "not_end", "cont", "not_cont", "i_cont", "not_i_cont", "jcont",
	}
	multiMatchers = []string{
		"eq", "not_eq", "lt", "lteq", "gt", "gteq", "matches", "does_not_match",
		"start", "not_start", "end", "not_end", "cont", "not_cont", "i_cont", "not_i_cont",
	}
	// allMatchers, longest first, so that "not_eq" wins over "eq".
	allMatchers = func() []string {
		out := slices.Clone(baseMatchers)
		for _, m := range multiMatchers {
			out = append(out, m+"_any", m+"_all")
		}
		slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
		return out
	}()
)

// splitPredicate splits "name_or_slug_start" into its attribute part and
// matcher; resolve decides whether the attribute part is acceptable.
func splitPredicate(key string, resolve func(attrs string) bool) (attrs, matcher string, ok bool) {
	for _, m := range allMatchers {
		if rest, found := strings.CutSuffix(key, "_"+m); found && rest != "" && resolve(rest) {
			return rest, m, true
		}
	}
	return "", "", false
}

// resolvePath resolves an attribute name of a filter: an attribute of e,
// "id", or <relationship>_<attribute> of a related entity (two levels).
func resolvePath(e *entity, name string, depth int) (filterPath, bool) {
	if name == "id" {
		return filterPath{ent: e}, true
	}
	if d := e.attr(name); d != nil && d.has(fFilter) {
		return filterPath{ent: e, attr: d}, true
	}
	if depth >= 2 {
		return filterPath{}, false
	}
	for i := range e.rels {
		r := &e.rels[i]
		rest, ok := strings.CutPrefix(name, r.name+"_")
		if !ok || !r.has(fFilter) {
			continue
		}
		if p, ok := resolvePath(entityByType[r.target], rest, depth+1); ok {
			p.rels = append([]*relDef{r}, p.rels...)
			return p, true
		}
	}
	return filterPath{}, false
}

func resolvePaths(e *entity, attrs string) ([]filterPath, bool) {
	var out []filterPath
	for _, name := range strings.Split(attrs, "_or_") {
		p, ok := resolvePath(e, name, 0)
		if !ok {
			return nil, false
		}
		out = append(out, p)
	}
	return out, true
}

// parseQuery validates and parses the query string. list tells whether the
// endpoint returns a collection (filters, sort and page apply only there).
func parseQuery(e *entity, vals url.Values, list bool) (*query, *apiError) {
	q := &query{page: 1, size: defaultPageSize, fields: map[string]map[string]bool{}}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range vals {
			if !yield(k) {
				return
			}
		}
	})
	for _, key := range keys {
		value := vals.Get(key)
		switch {
		case key == "include":
			if err := q.parseInclude(e, value); err != nil {
				return nil, err
			}
		case strings.HasPrefix(key, "fields[") && strings.HasSuffix(key, "]"):
			if err := q.parseFields(key, value); err != nil {
				return nil, err
			}
		case key == "sort":
			if !list {
				continue
			}
			for _, f := range strings.Split(value, ",") {
				k := sortKey{name: strings.TrimPrefix(f, "-"), desc: strings.HasPrefix(f, "-")}
				if !e.sortable(k.name) {
					return nil, errQueryParam("INVALID_SORT_CRITERIA", "sort", k.name+" is not a valid sort criteria for "+e.typ)
				}
				q.sorts = append(q.sorts, k)
			}
		case key == "page[number]" || key == "page[size]":
			if !list {
				continue
			}
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 {
				return nil, errQueryParam("INVALID_PAGE_VALUE", key, value+" is not a valid value for "+key)
			}
			if key == "page[size]" {
				if n > maxPageSize {
					return nil, errQueryParam("INVALID_PAGE_VALUE", key, fmt.Sprintf("%d is not a valid value for page[size]: the maximum is %d", n, maxPageSize))
				}
				q.size = n
			} else {
				q.page = n
			}
		case strings.HasPrefix(key, "filter[q][") && strings.HasSuffix(key, "]"):
			if !list {
				continue
			}
			p, err := parsePredicate(e, key, value)
			if err != nil {
				return nil, err
			}
			q.filters = append(q.filters, p)
		default:
			return nil, errQueryParam("PARAM_NOT_ALLOWED", key, key+" is not allowed.")
		}
	}
	return q, nil
}

func (q *query) parseInclude(e *entity, value string) *apiError {
	for _, p := range strings.Split(value, ",") {
		if p == "" {
			continue
		}
		path := strings.Split(p, ".")
		cur := e
		for _, seg := range path {
			r := cur.rel(seg)
			if r == nil {
				return errQueryParam("INVALID_INCLUDE", "include", seg+" is not a valid relationship of "+cur.typ)
			}
			cur = entityByType[r.target]
		}
		q.include = append(q.include, path)
	}
	return nil
}

func (q *query) parseFields(key, value string) *apiError {
	typ := key[len("fields[") : len(key)-1]
	e := entityByType[typ]
	if e == nil {
		return errQueryParam("INVALID_RESOURCE", key, typ+" is not a valid resource")
	}
	set := map[string]bool{}
	for _, f := range strings.Split(value, ",") {
		if d := e.attr(f); (d == nil || d.has(fTrigger)) && e.rel(f) == nil {
			return errQueryParam("INVALID_FIELD", key, f+" is not a valid field for "+typ)
		}
		set[f] = true
	}
	q.fields[typ] = set
	return nil
}

func parsePredicate(e *entity, key, value string) (*predicate, *apiError) {
	name := key[len("filter[q][") : len(key)-1]
	var paths []filterPath
	_, matcher, ok := splitPredicate(name, func(attrs string) bool {
		var ok bool
		paths, ok = resolvePaths(e, attrs)
		return ok
	})
	if !ok {
		return nil, errQueryParam("FILTER_NOT_ALLOWED", key, name+" is not a valid filter for "+e.typ)
	}
	p := &predicate{param: key, paths: paths, matcher: matcher, value: value}
	for _, mode := range []string{"any", "all"} {
		if base, ok := strings.CutSuffix(matcher, "_"+mode); ok {
			p.matcher, p.mode = base, mode
		}
	}
	// Check the value against every path once, so that a bad value is a 400
	// whether or not there is anything to filter.
	for _, path := range paths {
		for _, v := range p.args() {
			if err := checkArg(path, p.matcher, v); err != nil {
				return nil, errQueryParam("INVALID_FILTER_VALUE", key, fmt.Sprintf("%q is not a valid value for %s: %v", v, name, err))
			}
		}
	}
	return p, nil
}

// listMatchers take comma-separated values (source: the Core filtering
// page: "multiple values ... comma-separated").
var listMatchers = []string{"in", "not_in", "in_or_null", "not_in_or_null"}

// args are the values the matcher is applied to (one, or a list).
func (p *predicate) args() []string {
	if p.mode != "" || slices.Contains(listMatchers, p.matcher) {
		return strings.Split(p.value, ",")
	}
	return []string{p.value}
}

func checkArg(path filterPath, matcher, v string) error {
	switch matcher {
	case "null", "not_null", "present", "blank", "true", "not_true", "false", "not_false":
		_, err := parseBool(v)
		return err
	case "jcont":
		if path.kind() != kObject {
			return fmt.Errorf("jcont applies to objects only")
		}
		var m map[string]any
		return json.Unmarshal([]byte(v), &m)
	case "matches", "does_not_match", "start", "not_start", "end", "not_end", "cont", "not_cont", "i_cont", "not_i_cont":
		if k := path.kind(); k != kString {
			return fmt.Errorf("%s applies to strings only", matcher)
		}
		return nil
	}
	switch path.kind() {
	case kBool:
		_, err := parseBool(v)
		return err
	case kInt, kNumber:
		_, err := strconv.ParseFloat(v, 64)
		return err
	case kTime:
		_, err := parseTime(v)
		return err
	case kObject:
		if matcher != "eq" && matcher != "not_eq" {
			return fmt.Errorf("%s does not apply to objects", matcher)
		}
		var x any
		return json.Unmarshal([]byte(v), &x)
	}
	return nil
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true", "t", "1":
		return true, nil
	case "false", "f", "0":
		return false, nil
	}
	return false, fmt.Errorf("not a boolean")
}

func parseTime(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not an ISO-8601 time")
}

// --- evaluation ---

func (st *store) pathValues(o *object, p filterPath) []any {
	objs := []*object{o}
	for _, r := range p.rels {
		var next []*object
		for _, x := range objs {
			for _, id := range st.relIDs(x, r) {
				next = append(next, st.get(r.target, id))
			}
		}
		objs = next
	}
	if len(objs) == 0 {
		return []any{nil}
	}
	out := make([]any, 0, len(objs))
	for _, x := range objs {
		if p.attr == nil {
			out = append(out, x.id)
		} else {
			out = append(out, st.attrValue(x, p.attr.name))
		}
	}
	return out
}

// attrValue is an attribute as rendered (computed values included).
func (st *store) attrValue(o *object, name string) any {
	e := entityByType[o.typ]
	if e.render != nil {
		attrs := map[string]any{name: o.attrs[name]}
		e.render(st, o, attrs)
		return attrs[name]
	}
	return o.attrs[name]
}

func (st *store) matches(o *object, p *predicate) bool {
	for _, path := range p.paths {
		for _, v := range st.pathValues(o, path) {
			if matchValue(v, path.kind(), p) {
				return true
			}
		}
	}
	return false
}

func matchValue(v any, k kind, p *predicate) bool {
	switch p.mode {
	case "any":
		for _, arg := range p.args() {
			if match(v, k, p.matcher, arg) {
				return true
			}
		}
		return false
	case "all":
		for _, arg := range p.args() {
			if !match(v, k, p.matcher, arg) {
				return false
			}
		}
		return true
	}
	return match(v, k, p.matcher, p.value)
}

func isBlank(v any) bool {
	if v == nil {
		return true
	}
	if s, ok := v.(string); ok {
		return strings.TrimSpace(s) == ""
	}
	return false
}

// match applies one matcher with SQL semantics: comparisons with null fail.
func match(v any, k kind, matcher, arg string) bool {
	var flagArg bool
	switch matcher {
	case "null", "not_null", "present", "blank", "true", "not_true", "false", "not_false":
		flagArg, _ = parseBool(arg)
	}
	switch matcher {
	case "null":
		return (v == nil) == flagArg
	case "not_null":
		return (v != nil) == flagArg
	case "present":
		return !isBlank(v) == flagArg
	case "blank":
		return isBlank(v) == flagArg
	case "true", "not_true", "false", "not_false":
		b, isBool := v.(bool)
		want := matcher == "true" || matcher == "not_false"
		hit := isBool && b == want
		if strings.HasPrefix(matcher, "not_") {
			hit = !isBool || b == want
		}
		return hit == flagArg
	case "eq_or_null":
		return v == nil || match(v, k, "eq", arg)
	case "not_eq_or_null":
		return v == nil || match(v, k, "not_eq", arg)
	case "in":
		return slices.ContainsFunc(strings.Split(arg, ","), func(a string) bool { return match(v, k, "eq", a) })
	case "not_in":
		return v != nil && !slices.ContainsFunc(strings.Split(arg, ","), func(a string) bool { return match(v, k, "eq", a) })
	case "in_or_null":
		return v == nil || match(v, k, "in", arg)
	case "not_in_or_null":
		return v == nil || match(v, k, "not_in", arg)
	case "jcont":
		var want map[string]any
		_ = jsonapi.Unmarshal([]byte(arg), &want)
		obj, _ := v.(map[string]any)
		return obj != nil && contains(obj, want)
	}
	if v == nil {
		return false
	}
	if neg, ok := strings.CutPrefix(matcher, "not_"); ok && neg != "eq" && neg != "in" {
		return !match(v, k, neg, arg)
	}
	if matcher == "does_not_match" {
		return !match(v, k, "matches", arg)
	}
	switch matcher {
	case "matches", "start", "end", "cont", "i_cont":
		s, _ := v.(string)
		s, a := strings.ToLower(s), strings.ToLower(arg)
		switch matcher {
		case "matches":
			return likeRegexp(a).MatchString(s)
		case "start":
			return strings.HasPrefix(s, a)
		case "end":
			return strings.HasSuffix(s, a)
		default:
			return strings.Contains(s, a)
		}
	}
	c, ok := compare(v, k, arg)
	if !ok {
		return false
	}
	switch matcher {
	case "eq":
		return c == 0
	case "not_eq":
		return c != 0
	case "lt":
		return c < 0
	case "lteq":
		return c <= 0
	case "gt":
		return c > 0
	case "gteq":
		return c >= 0
	}
	return false
}

func likeRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range pattern {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile("(?s)" + b.String())
}

func contains(obj, want map[string]any) bool {
	for k, w := range want {
		got, ok := obj[k]
		if !ok {
			return false
		}
		wm, wIsMap := w.(map[string]any)
		gm, gIsMap := got.(map[string]any)
		if wIsMap && gIsMap {
			if !contains(gm, wm) {
				return false
			}
			continue
		}
		if !jsonEqual(normalize(got), normalize(w)) {
			return false
		}
	}
	return true
}

// normalize turns numbers into float64 so that 1 and 1.0 compare equal.
func normalize(v any) any {
	if f, ok := toFloat(v); ok {
		return f
	}
	return v
}

// compare compares a stored value with a query value of the given kind.
func compare(v any, k kind, arg string) (int, bool) {
	switch k {
	case kBool:
		b, ok := v.(bool)
		a, err := parseBool(arg)
		if !ok || err != nil {
			return 0, false
		}
		if b == a {
			return 0, true
		}
		if !b {
			return -1, true
		}
		return 1, true
	case kInt, kNumber:
		f, ok := toFloat(v)
		a, err := strconv.ParseFloat(arg, 64)
		if !ok || err != nil {
			return 0, false
		}
		return cmpFloat(f, a), true
	case kTime:
		s, _ := v.(string)
		t, err1 := parseTime(s)
		a, err2 := parseTime(arg)
		if err1 != nil || err2 != nil {
			return 0, false
		}
		return t.Compare(a), true
	case kObject:
		var a any
		if jsonapi.Unmarshal([]byte(arg), &a) != nil {
			return 0, false
		}
		if contains(map[string]any{"v": v}, map[string]any{"v": a}) && contains(map[string]any{"v": a}, map[string]any{"v": v}) {
			return 0, true
		}
		return 1, true
	}
	s, ok := v.(string)
	if !ok {
		return 0, false
	}
	return strings.Compare(s, arg), true
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case int32:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint64:
		return float64(n), true
	}
	return math.NaN(), false
}

// --- sort & page ---

// compareValues orders two attribute values (nulls last ascending, as in
// PostgreSQL).
func compareValues(a, b any, k kind) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	switch k {
	case kBool:
		ab, bb := a == true, b == true
		if ab == bb {
			return 0
		}
		if !ab {
			return -1
		}
		return 1
	case kInt, kNumber:
		fa, _ := toFloat(a)
		fb, _ := toFloat(b)
		return cmpFloat(fa, fb)
	}
	sa, _ := a.(string)
	sb, _ := b.(string)
	return strings.Compare(sa, sb)
}

// apply filters, sorts and pages objects; it returns the page and the total.
func (st *store) apply(e *entity, objs []*object, q *query) ([]*object, int) {
	var out []*object
	for _, o := range objs {
		keep := true
		for _, p := range q.filters {
			if !st.matches(o, p) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, o)
		}
	}
	slices.SortStableFunc(out, func(a, b *object) int {
		for _, s := range q.sorts {
			var c int
			if s.name == "id" {
				c = strings.Compare(a.id, b.id)
			} else {
				c = compareValues(st.attrValue(a, s.name), st.attrValue(b, s.name), e.attr(s.name).kind)
			}
			if s.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return int(a.seq - b.seq)
	})
	total := len(out)
	start := (q.page - 1) * q.size
	if start >= total {
		return nil, total
	}
	return out[start:min(start+q.size, total)], total
}

// byIDIn keeps only the objects an id_in filter names (ids compare exactly),
// so a read of 25 ids by id does not test every object of the type against
// every filter; the filters still run on what is kept.
func byIDIn(objs []*object, q *query) []*object {
	for _, p := range q.filters {
		if p.matcher != "in" || p.mode != "" || len(p.paths) != 1 || p.paths[0].attr != nil || len(p.paths[0].rels) != 0 {
			continue
		}
		ids := map[string]bool{}
		for id := range strings.SplitSeq(p.value, ",") {
			ids[id] = true
		}
		var kept []*object
		for _, o := range objs {
			if ids[o.id] {
				kept = append(kept, o)
			}
		}
		return kept
	}
	return objs
}

// pageLinks builds meta and links of a list response.
func pageLinks(base *url.URL, q *query, total int) (map[string]any, map[string]string) {
	pages := (total + q.size - 1) / q.size
	meta := map[string]any{"record_count": total, "page_count": pages}
	last := max(pages, 1)
	link := func(n int) string {
		u := *base
		v := u.Query()
		v.Set("page[number]", strconv.Itoa(n))
		v.Set("page[size]", strconv.Itoa(q.size))
		u.RawQuery = v.Encode()
		return u.String()
	}
	links := map[string]string{"first": link(1), "last": link(last)}
	if q.page > 1 {
		links["prev"] = link(min(q.page-1, last))
	}
	if q.page < last {
		links["next"] = link(q.page + 1)
	}
	return meta, links
}
