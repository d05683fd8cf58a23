package main

// ValidRFC3339 accepts what libs/kafka/src/envelope/rfc3339.cpp accepts:
// YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM), 'T' and 'Z' in either case, second 60 allowed.
func ValidRFC3339(s string) bool {
	digits := func(pos, width int) (int, bool) {
		if pos+width > len(s) {
			return 0, false
		}
		v := 0
		for i := pos; i < pos+width; i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			v = v*10 + int(s[i]-'0')
		}
		return v, true
	}
	at := func(pos int, cs ...byte) bool {
		if pos >= len(s) {
			return false
		}
		for _, c := range cs {
			if s[pos] == c {
				return true
			}
		}
		return false
	}
	year, ok1 := digits(0, 4)
	month, ok2 := digits(5, 2)
	day, ok3 := digits(8, 2)
	hour, ok4 := digits(11, 2)
	minute, ok5 := digits(14, 2)
	second, ok6 := digits(17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && at(4, '-') && at(7, '-') && at(10, 'T', 't') &&
		at(13, ':') && at(16, ':')) {
		return false
	}
	if hour > 23 || minute > 59 || second > 60 || !validDate(year, month, day) {
		return false
	}
	pos := 19
	if at(pos, '.') {
		pos++
		start := pos
		for pos < len(s) && s[pos] >= '0' && s[pos] <= '9' {
			pos++
		}
		if pos == start {
			return false
		}
	}
	switch {
	case at(pos, 'Z', 'z'):
		pos++
	case at(pos, '+', '-'):
		oh, okh := digits(pos+1, 2)
		om, okm := digits(pos+4, 2)
		if !okh || !okm || !at(pos+3, ':') || oh > 23 || om > 59 {
			return false
		}
		pos += 6
	default:
		return false
	}
	return pos == len(s)
}

func validDate(year, month, day int) bool {
	if month < 1 || month > 12 || day < 1 {
		return false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month-1]
	leap := year%4 == 0 && (year%100 != 0 || year%400 == 0)
	if month == 2 && leap {
		days = 29
	}
	return day <= days
}
