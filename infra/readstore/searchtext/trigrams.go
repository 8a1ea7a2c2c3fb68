package searchtext

// Trigrams are a word's trigrams as PostgreSQL's pg_trgm forms them, so that both read
// stores judge typos alike: the word padded with two spaces before and one after, every
// run of three characters, each once. «маузер» → "  м", " ма", "мау", "ауз", "узе",
// "зер", "ер ".
func Trigrams(word string) []string {
	padded := []rune("  " + word + " ")
	out := make([]string, 0, len(padded)-2)
	seen := make(map[string]bool, len(padded)-2)
	for i := 0; i+3 <= len(padded); i++ {
		t := string(padded[i : i+3])
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// Similarity is pg_trgm's similarity of two words: the trigrams they share over the
// trigrams either has, from 0 (none shared) to 1 (the same trigrams).
func Similarity(a, b string) float64 {
	ta, tb := Trigrams(a), Trigrams(b)
	in := make(map[string]bool, len(ta))
	for _, t := range ta {
		in[t] = true
	}
	shared := 0
	for _, t := range tb {
		if in[t] {
			shared++
		}
	}
	union := len(ta) + len(tb) - shared
	if union == 0 {
		return 0
	}
	return float64(shared) / float64(union)
}
