using LeakWatch.Core.Normalization;
namespace LeakWatch.Core.Extraction;

/// <summary>How a delimited text is cut: its delimiter, and whether its first row names the columns.</summary>
internal sealed record DelimitedDialect(char Delimiter, bool HasHeader)
{
    private static readonly char[] Candidates = [';', ',', '\t', '|'];

    /// <summary>
    /// Picks the delimiter that cuts the first lines into the same number of fields (two or more), quoted fields
    /// respected; null when none does. A header is a first row of names: one the column vocabulary knows, or one without
    /// data-like cells above rows that have some.
    /// </summary>
    public static DelimitedDialect? Sniff(ReadOnlySpan<char> head, bool headIsComplete)
    {
        var lines = new List<Range>();
        var rest = head;
        var start = 0;
        while (lines.Count < 50)
        {
            var i = rest.IndexOfAny('\r', '\n');
            if (i < 0)
            {
                if (headIsComplete && !rest.IsEmpty) lines.Add(new Range(start, start + rest.Length));
                break;
            }

            if (!rest[..i].IsWhiteSpace()) lines.Add(new Range(start, start + i));
            var skip = rest[i] == '\r' && i + 1 < rest.Length && rest[i + 1] == '\n' ? 2 : 1;
            rest = rest[(i + skip)..];
            start += i + skip;
        }

        if (lines.Count == 0) return null;

        char best = '\0';
        double bestConsistency = 0;
        var bestFields = 0;
        Span<int> counts = stackalloc int[50];
        foreach (var delimiter in Candidates)
        {
            for (var l = 0; l < lines.Count; l++) counts[l] = CountFields(head[lines[l]], delimiter);
            var (mode, share) = Mode(counts[..lines.Count]);
            if (mode < 2) continue;
            if (lines.Count < 3 && mode < 3) continue;
            var consistency = (double)share / lines.Count;
            if (consistency < 0.6) continue;

            // Two fields cut by commas is what prose with one comma per line looks like: ask for more evidence.
            if (mode == 2 && delimiter == ',' && (consistency < 0.9 || lines.Count < 5)) continue;
            if (consistency > bestConsistency + 0.05 || (Math.Abs(consistency - bestConsistency) <= 0.05 && mode > bestFields))
            {
                best = delimiter;
                bestConsistency = consistency;
                bestFields = mode;
            }
        }

        if (best == '\0') return null;
        if (best == ',' && bestFields <= 3 && LooksLikeProse(head, lines)) return null;
        return new DelimitedDialect(best, LooksLikeHeader(head, lines, best));
    }

    /// <summary>Sentences cut at their commas: few cells, each of several words.</summary>
    private static bool LooksLikeProse(ReadOnlySpan<char> head, List<Range> lines)
    {
        int cells = 0, spaces = 0;
        foreach (var line in lines)
        {
            foreach (var cell in new FieldSplitter(head[line], ','))
            {
                cells++;
                spaces += cell.Trim().Count(' ');
            }
        }

        return cells > 0 && spaces >= 2 * cells;
    }

    private static bool LooksLikeHeader(ReadOnlySpan<char> head, List<Range> lines, char delimiter)
    {
        var first = head[lines[0]];
        var known = 0;
        var dataLike = 0;
        foreach (var cell in new FieldSplitter(first, delimiter))
        {
            if (ColumnNames.Classify(cell) != FieldHint.None) known++;
            if (IsDataLike(cell)) dataLike++;
        }

        if (dataLike > 0) return false;
        if (known > 0) return true;
        if (lines.Count < 2) return false;

        var rowsWithData = 0;
        for (var l = 1; l < lines.Count; l++)
        {
            foreach (var cell in new FieldSplitter(head[lines[l]], delimiter))
            {
                if (!IsDataLike(cell)) continue;
                rowsWithData++;
                break;
            }
        }

        return rowsWithData * 2 >= lines.Count - 1;
    }

    /// <summary>Four digits or an at sign: dates, NIRs, phones, postal codes, emails. Column names have fewer ("adresse2", "col12").</summary>
    private static bool IsDataLike(ReadOnlySpan<char> cell)
    {
        var digits = 0;
        foreach (var c in cell)
        {
            if (char.IsAsciiDigit(c)) digits++;
            else if (c == '@') return true;
        }

        return digits >= 4;
    }

    private static int CountFields(ReadOnlySpan<char> line, char delimiter)
    {
        var count = 0;
        foreach (var _ in new FieldSplitter(line, delimiter)) count++;
        return count;
    }

    private static (int Mode, int Share) Mode(ReadOnlySpan<int> counts)
    {
        int mode = 0, share = 0;
        foreach (var candidate in counts)
        {
            var n = 0;
            foreach (var c in counts)
            {
                if (c == candidate) n++;
            }

            if (n > share || (n == share && candidate > mode))
            {
                mode = candidate;
                share = n;
            }
        }

        return (mode, share);
    }

    /// <summary>Cells of one line, quotes honoured within the line, unescaped loosely: enough to sniff.</summary>
    private ref struct FieldSplitter(ReadOnlySpan<char> line, char delimiter)
    {
        private ReadOnlySpan<char> _rest = line;
        private bool _done;

        public ReadOnlySpan<char> Current { get; private set; }

        public readonly FieldSplitter GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_done) return false;
            var end = 0;
            if (!_rest.IsEmpty && _rest[0] == '"')
            {
                var close = 1;
                while (true)
                {
                    var q = _rest[close..].IndexOf('"');
                    if (q < 0)
                    {
                        close = -1;
                        break;
                    }

                    close += q;
                    if (close + 1 < _rest.Length && _rest[close + 1] == '"')
                    {
                        close += 2;
                        continue;
                    }

                    break;
                }

                end = close < 0 ? 0 : close + 1;
            }

            var next = _rest[end..].IndexOf(delimiter);
            if (next < 0)
            {
                Current = _rest.Trim('"');
                _done = true;
                return true;
            }

            Current = _rest[..(end + next)].Trim('"');
            _rest = _rest[(end + next + 1)..];
            return true;
        }
    }
}
