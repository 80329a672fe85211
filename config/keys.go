package config

import (
	"fmt"
	"maps"
	"reflect"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// tokenKeys are refused wherever they appear: the token is read only from
// the environment, so the file can be copied, mailed and versioned.
var tokenKeys = map[string]bool{"token": true, "bot_token": true, "telegram_bot_token": true}

// zaloSecretKeys are refused wherever they appear, for the same reason:
// each names the variable its secret is read from. The access token is
// the bot's to fetch, with the refresh token.
var zaloSecretKeys = map[string]string{
	"app_secret": ZaloAppSecretEnv, "secret_key": ZaloAppSecretEnv, "app_secret_key": ZaloAppSecretEnv,
	"oa_secret_key": ZaloOASecretKeyEnv, "oa_secret": ZaloOASecretKeyEnv,
	"refresh_token": ZaloRefreshTokenEnv, "access_token": ZaloRefreshTokenEnv,
}

// secretKey reports whether key names a secret, which the file may not hold.
func secretKey(key string) bool {
	key = strings.ToLower(key)
	_, zalo := zaloSecretKeys[key]
	return tokenKeys[key] || zalo
}

// checker walks the parsed file against the raw* types before anything is
// decoded, so that each unknown key, duplicate key or value of the wrong
// type is reported with its own line and the key as staff wrote it.
// yaml.v3's own KnownFields errors name the Go type rather than the key's
// place, and suggest nothing.
type checker struct {
	ps   *problems
	seen map[visit]bool
}

// visit memoises (node, type) pairs: an alias reuses its anchor's node, and
// walking it again for every alias would let a small file cost exponential
// time.
type visit struct {
	n *yaml.Node
	t reflect.Type
}

func checkFile(root *yaml.Node, ps *problems) {
	scanTokens(root, ps, map[*yaml.Node]bool{})
	if len(ps.list) > 0 {
		return
	}
	c := checker{ps: ps, seen: map[visit]bool{}}
	n := root
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return
		}
		n = n.Content[0]
	}
	if n = resolve(n); n == nil || isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		ps.addf(n.Line, "tệp cấu hình phải gồm các dòng \"khóa: giá trị\" (như office:, units:, reports:), không phải %s", kindName(n))
		return
	}
	c.check(n, reflect.TypeOf(raw{}), "")
}

// scanTokens refuses token keys anywhere, and any value shaped like a bot
// token, before a message could quote one.
func scanTokens(n *yaml.Node, ps *problems, done map[*yaml.Node]bool) {
	if n == nil || done[n] {
		return
	}
	done[n] = true
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if tokenKeys[strings.ToLower(k.Value)] {
				ps.addf(k.Line, "khóa %q không được phép: mã bot chỉ đọc từ biến môi trường %s, không bao giờ ghi trong tệp cấu hình", k.Value, TokenEnv)
				done[n.Content[i+1]] = true // one message for the line is enough
			} else if env, ok := zaloSecretKeys[strings.ToLower(k.Value)]; ok {
				ps.addf(k.Line, "khóa %q không được phép: khóa bí mật của Zalo chỉ đọc từ biến môi trường %s, không bao giờ ghi trong tệp cấu hình", k.Value, env)
				done[n.Content[i+1]] = true
			}
		}
	}
	if n.Kind == yaml.ScalarNode && tokenShape.MatchString(n.Value) {
		ps.addf(n.Line, "dòng này chứa một giá trị trông như mã bot Telegram: hãy xóa nó khỏi tệp và đặt mã bot trong biến môi trường %s", TokenEnv)
	}
	for _, c := range n.Content {
		scanTokens(c, ps, done)
	}
}

// nodeType is the type of raw fields left as nodes.
var nodeType = reflect.TypeOf(yaml.Node{})

func (c *checker) check(n *yaml.Node, t reflect.Type, path string) {
	c.checkAs(n, t, path, path)
}

// checkAs checks n against t; label names n in messages (a list item is
// "units, mục 3") and path is what its keys are appended to.
func (c *checker) checkAs(n *yaml.Node, t reflect.Type, path, label string) {
	if n = resolve(n); n == nil || isNull(n) {
		return // absent: the default applies
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nodeType {
		return // a value of several forms ("window: nd09" or its keys): its validator checks it
	}
	if c.seen[visit{n, t}] {
		return
	}
	c.seen[visit{n, t}] = true
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			c.ps.addf(n.Line, "%s: cần các khóa con (dạng \"khóa: giá trị\" thụt vào bên dưới, hoặc { khóa: giá trị }), không phải %s", label, kindName(n))
			return
		}
		c.mapping(n, t, path, map[string]int{})
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			c.ps.addf(n.Line, "%s: cần một danh sách (mỗi mục một dòng bắt đầu bằng \"- \", hoặc [a, b]), không phải %s", label, kindName(n))
			return
		}
		for i, e := range n.Content {
			c.checkAs(e, t.Elem(), path, fmt.Sprintf("%s, mục %d", path, i+1))
		}
	default:
		c.scalar(n, t, label)
	}
}

// mapping checks the keys of n against the struct t. keys holds the line
// of each key already seen, shared with the mappings merged in by "<<".
func (c *checker) mapping(n *yaml.Node, t reflect.Type, path string, keys map[string]int) {
	fields := fieldsOf(t)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			c.ps.addf(n.Content[i].Line, "%s: tên khóa phải là chữ, không phải %s", path, kindName(n.Content[i]))
			continue
		}
		if k.ShortTag() == "!!merge" {
			c.merge(v, t, path, keys)
			continue
		}
		if secretKey(k.Value) {
			continue // reported by scanTokens
		}
		if first, dup := keys[k.Value]; dup {
			c.ps.addf(k.Line, "khóa %q bị lặp lại (đã có ở dòng %d): chỉ giữ một", k.Value, first)
			continue
		}
		keys[k.Value] = k.Line
		ft, ok := fields.types[k.Value]
		if !ok {
			msg := "khóa " + quote(k.Value) + " không hợp lệ"
			if s := suggest(k.Value, fields.names); s != "" {
				msg += " (có phải ý là " + quote(s) + "?)"
			} else {
				msg += " (các khóa dùng được ở đây: " + strings.Join(fields.names, ", ") + ")"
			}
			c.ps.addf(k.Line, "%s", msg)
			continue
		}
		c.check(v, ft, joinPath(path, k.Value))
	}
}

// merge applies a YAML merge key ("<<: *defaults"): the merged mappings'
// keys belong to the same struct.
func (c *checker) merge(v *yaml.Node, t reflect.Type, path string, keys map[string]int) {
	v = resolve(v)
	switch {
	case v == nil:
	case v.Kind == yaml.MappingNode:
		// A mapping merged twice, or also checked in its own place, is
		// reported once.
		if !c.seen[visit{v, t}] {
			c.seen[visit{v, t}] = true
			c.mapping(v, t, path, maps.Clone(keys))
		}
	case v.Kind == yaml.SequenceNode:
		for _, e := range v.Content {
			if e = resolve(e); e != nil && e.Kind == yaml.MappingNode {
				c.merge(e, t, path, keys)
			} else if e != nil {
				c.ps.addf(e.Line, "%s: \"<<\" chỉ gộp được các bảng khóa", path)
			}
		}
	default:
		c.ps.addf(v.Line, "%s: \"<<\" chỉ gộp được các bảng khóa", path)
	}
}

func (c *checker) scalar(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind != yaml.ScalarNode {
		c.ps.addf(n.Line, "%s: cần một giá trị đơn, không phải %s", path, kindName(n))
		return
	}
	tag := n.ShortTag()
	switch t.Kind() {
	case reflect.String:
		switch tag {
		case "!!str", "!!int", "!!float", "!!bool", "!!timestamp":
			return
		}
		c.ps.addf(n.Line, "%s: giá trị có nhãn %s không dùng được ở đây", path, tag)
		return
	case reflect.Int, reflect.Int64:
		if tag != "!!int" {
			c.ps.addf(n.Line, "%s: %s không phải số nguyên", path, quote(n.Value))
			return
		}
	case reflect.Float64:
		if tag != "!!int" && tag != "!!float" {
			c.ps.addf(n.Line, "%s: %s không phải số", path, quote(n.Value))
			return
		}
	case reflect.Bool:
		if tag != "!!bool" {
			c.ps.addf(n.Line, "%s: %s phải là true hoặc false", path, quote(n.Value))
			return
		}
	}
	// The tag fits, but the value may not: "!!int abc" or a number too
	// large for its field. Decoding it here gives the fault its line,
	// which the decoding of the whole file would not.
	if err := n.Decode(reflect.New(t).Interface()); err != nil {
		c.ps.addf(n.Line, "%s: %s không phải %s", path, quote(n.Value), typeName(t.String()))
	}
}

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode; i++ {
		if i > 100 {
			return nil
		}
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n = resolve(n); {
	case n == nil:
		return "một tham chiếu"
	case n.Kind == yaml.MappingNode:
		return "một bảng khóa"
	case n.Kind == yaml.SequenceNode:
		return "một danh sách"
	default:
		return "giá trị " + quote(n.Value)
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// structFields is the vocabulary of one level of the file.
type structFields struct {
	types map[string]reflect.Type
	names []string // sorted, so the suggestion ("có phải ý là ...?") breaks ties the same way every time
}

var fieldCache sync.Map // reflect.Type → structFields

func fieldsOf(t reflect.Type) structFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(structFields)
	}
	f := structFields{types: map[string]reflect.Type{}}
	for i := 0; i < t.NumField(); i++ {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); tag != "" && tag != "-" {
			f.types[tag] = t.Field(i).Type
			f.names = append(f.names, tag)
		}
	}
	sort.Strings(f.names)
	fieldCache.Store(t, f)
	return f
}

// suggest returns the known key closest to key, if it is close enough to
// be a typo: two edits (one for short keys), a swap of neighbours counting
// as one, or the start of a known key ("head" for "head_title").
func suggest(key string, known []string) string {
	lower := strings.ToLower(key)
	best, bestD := "", 3
	if len([]rune(key)) <= 4 {
		bestD = 2
	}
	for _, k := range known {
		if k == lower {
			return k // "Units:" for "units:"
		}
		if d := editDistance(lower, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" && len(lower) >= 3 {
		for _, k := range known {
			if strings.HasPrefix(k, lower) {
				return k
			}
		}
	}
	return best
}

// editDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and swaps of neighbours ("form" for "from").
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
