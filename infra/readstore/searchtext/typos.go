package searchtext

// Typo matching, the same in every read store: a query word found nowhere is taken for a
// typo and replaced by the TypoWords stems of titles and actors most similar to its stem
// (Similarity, whole word to whole word), if at least TypoThreshold similar. 0.6 takes
// one doubled or inserted letter in a stem of six letters or more (мауззер → маузер:
// 0.67, иваннов → иванов: 0.67) and keeps a longer word from matching a stem it starts
// with (маузерист → маузер: 0.55). A replaced letter changes three trigrams and is found
// in long words only.
const (
	TypoThreshold = 0.6
	TypoWords     = 5
)

// MinShared is the fewest trigrams a word must share with one of n trigrams to be at
// least TypoThreshold similar to it: shared/(n+m−shared) ≥ t with m ≥ shared needs
// shared ≥ t·n. A lookup can skip every word that shares fewer.
func MinShared(n int) int {
	k := 0
	for float64(k) < TypoThreshold*float64(n)-1e-9 {
		k++
	}
	return max(k, 1)
}
