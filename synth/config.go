package synth

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"

	"cchcbot"
)

// Config rewrites base (config.example.yaml) for a synthetic deployment:
// its units replaced by units, data_dir set, and every report kind's
// start moved back to start so that years of monthly periods exist. The
// rest, holidays and reminder policy included, is the district's own.
func Config(base []byte, units []cchcbot.Unit, dataDir string, start cchcbot.Date) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(base, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("synth: the base config is not a mapping")
	}
	root := doc.Content[0]
	list := &yaml.Node{Kind: yaml.SequenceNode}
	for _, u := range units {
		list.Content = append(list.Content, mapping(
			"code", u.Code, "name", u.Name, "group", string(u.Group), "head_title", u.HeadTitle))
	}
	set(root, "units", list)
	set(root, "data_dir", &yaml.Node{Kind: yaml.ScalarNode, Value: dataDir})
	if reports := get(root, "reports"); reports != nil {
		for _, r := range reports.Content {
			if get(r, "schedule") != nil && get(get(r, "schedule"), "monthly") != nil {
				set(r, "start", &yaml.Node{Kind: yaml.ScalarNode, Value: start.String()})
			}
		}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func mapping(kv ...string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
	for i := 0; i < len(kv); i += 2 {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: kv[i]}, &yaml.Node{Kind: yaml.ScalarNode, Value: kv[i+1], Style: yaml.DoubleQuotedStyle})
	}
	return n
}

func get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func set(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
}
