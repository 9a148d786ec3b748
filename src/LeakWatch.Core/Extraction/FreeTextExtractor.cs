namespace LeakWatch.Core.Extraction;

/// <summary>
/// Prose becomes windows the matcher tokenizes: a short paragraph (up to 8 lines, 1,000 chars) is one window; a longer
/// one is cut into windows of three lines that overlap by one, so a name on one line and the birth date on the next
/// always share a window. A line longer than a window is cut into overlapping pieces at spaces. XML, one value per
/// line and one paragraph per resource, asks for larger paragraphs.
/// </summary>
internal sealed class FreeTextExtractor(int paragraphLines = 8, int paragraphChars = FreeTextExtractor.MaxWindowChars) : IRecordExtractor
{
    public const int MaxWindowChars = 1000;
    private const int WindowLines = 3;
    private const int LongLineOverlap = 100;

    public void Extract(TextReader text, RecordWriter writer, ExtractionContext context)
    {
        var cursor = new TextCursor(text, maxChars: 1024 * 1024, initialChars: 64 * 1024);
        var windows = new Windows(writer, context, paragraphLines, paragraphChars);
        var lines = 0;
        while (cursor.TryReadLine(out var line, out var offset, out var number))
        {
            var content = line.TrimEnd();
            if (content.IsWhiteSpace()) windows.EndParagraph();
            else windows.Add(content, offset, number);
            if ((++lines & 0x3FF) == 0) context.CancellationToken.ThrowIfCancellationRequested();
        }

        windows.EndParagraph();
    }

    /// <summary>The lines of the paragraph being read, and the windows they make.</summary>
    private sealed class Windows(RecordWriter writer, ExtractionContext context, int paragraphLines, int paragraphChars)
    {
        private readonly List<(int Start, int Length, long Offset, long Line)> _lines = [];
        private char[] _text = new char[4 * MaxWindowChars];
        private int _textLength;
        private int _chars;
        private bool _sliding;

        /// <summary>The first held line was the last line of an emitted window.</summary>
        private bool _firstEmitted;

        public void Add(ReadOnlySpan<char> line, long offset, long number)
        {
            if (line.Length > MaxWindowChars)
            {
                EndParagraph();
                EmitLongLine(line, offset, number);
                return;
            }

            if (_textLength + line.Length > _text.Length) Compact(line.Length);
            line.CopyTo(_text.AsSpan(_textLength));
            _lines.Add((_textLength, line.Length, offset, number));
            _textLength += line.Length;
            _chars += line.Length + 1;

            if (!_sliding && (_lines.Count > paragraphLines || _chars > paragraphChars)) _sliding = true;
            if (!_sliding) return;

            // Windows of three lines stepping by two: each pair of neighbours shares one.
            while (_lines.Count >= WindowLines)
            {
                Emit(0, WindowLines);
                _lines.RemoveRange(0, WindowLines - 1);
                _firstEmitted = true;
            }
        }

        public void EndParagraph()
        {
            if (_lines.Count == 0) return;

            // Sliding leaves the last line of the last window, plus maybe one more that needs a window.
            if (!_firstEmitted || _lines.Count > 1) Emit(0, _lines.Count);
            _lines.Clear();
            _textLength = 0;
            _chars = 0;
            _sliding = false;
            _firstEmitted = false;
        }

        private void Emit(int first, int count)
        {
            var head = _lines[first];
            context.BeginRecord(writer, head.Offset, head.Line, RecordShape.FreeText);
            var length = 0;
            for (var i = first; i < first + count; i++) length += _lines[i].Length + 1;
            var buffer = length <= 2048 ? stackalloc char[length] : new char[length];
            var w = 0;
            for (var i = first; i < first + count; i++)
            {
                var line = _lines[i];
                if (w > 0) buffer[w++] = '\n';
                _text.AsSpan(line.Start, line.Length).CopyTo(buffer[w..]);
                w += line.Length;
            }

            writer.AddField(buffer[..Math.Min(w, Math.Max(paragraphChars, MaxWindowChars * WindowLines))]);
            writer.EndRecord();
        }

        private void EmitLongLine(ReadOnlySpan<char> line, long offset, long number)
        {
            var start = 0;
            while (start < line.Length)
            {
                var end = Math.Min(line.Length, start + MaxWindowChars);
                if (end < line.Length)
                {
                    var space = line[(start + (MaxWindowChars / 2))..end].LastIndexOf(' ');
                    if (space >= 0) end = start + (MaxWindowChars / 2) + space;
                }

                context.BeginRecord(writer, offset + start, number, RecordShape.FreeText);
                writer.AddField(line[start..end]);
                writer.EndRecord();
                if (end >= line.Length) break;

                // Step back to a space so a name cut by the window is whole in the next one.
                var next = Math.Max(start + 1, end - LongLineOverlap);
                var back = line[next..end].IndexOf(' ');
                start = back >= 0 ? next + back + 1 : next;
            }
        }

        /// <summary>Drops the text of lines no longer held, so the buffer never grows past a few windows.</summary>
        private void Compact(int needed)
        {
            var keepFrom = _lines.Count > 0 ? _lines[0].Start : _textLength;
            var kept = _textLength - keepFrom;
            if (kept > 0) _text.AsSpan(keepFrom, kept).CopyTo(_text);
            for (var i = 0; i < _lines.Count; i++) _lines[i] = _lines[i] with { Start = _lines[i].Start - keepFrom };
            _textLength = kept;
            if (_textLength + needed > _text.Length) Array.Resize(ref _text, Math.Max(_text.Length * 2, _textLength + needed));
        }
    }
}
