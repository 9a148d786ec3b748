using System.Text;
using System.Text.Json;

namespace LeakWatch.Core.Extraction;

/// <summary>
/// JSON documents and JSON lines, streamed through <see cref="Utf8JsonReader"/> over a window of bytes: a 2 GB array of
/// objects is read in bounded memory. <see cref="JsonRecordBuilder"/> decides which objects are records. JSON lines
/// resume at the next line after a broken one (up to 10,000 broken lines); a JSON document stops at its first error.
/// </summary>
internal sealed class JsonExtractor(bool lines) : IRecordExtractor
{
    /// <summary>The largest single token (a string) the window may have to hold whole.</summary>
    private const int MaxTokenBytes = 32 * 1024 * 1024;

    private const int MaxBrokenLines = 10_000;

    private static readonly JsonReaderOptions Options = new()
    {
        AllowMultipleValues = true,
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 256,
    };

    private char[] _chars = new char[1024];

    public void Extract(TextReader text, RecordWriter writer, ExtractionContext context)
    {
        var window = new Utf8Window(text, MaxTokenBytes);
        var builder = new JsonRecordBuilder(writer, context);
        if (lines) ExtractLines(window, builder, context);
        else ExtractDocument(window, builder, context);
        builder.Finish();
    }

    /// <summary>One value streamed token by token; the first syntax error ends it (what follows would be misread).</summary>
    private void ExtractDocument(Utf8Window window, JsonRecordBuilder builder, ExtractionContext context)
    {
        var state = new JsonReaderState(Options);
        while (true)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var filled = window.Fill();
            var reader = new Utf8JsonReader(window.Unconsumed, window.IsFinal, state);
            try
            {
                Read(ref reader, builder, window);
            }
            catch (JsonException)
            {
                var (_, line) = window.PositionOf(window.UnconsumedStart + reader.BytesConsumed);
                context.ReportProblem($"invalid JSON near line {line}: the rest was not read");
                return;
            }

            window.Consume((int)reader.BytesConsumed);
            state = reader.CurrentState;
            if (window.IsFinal && (window.Unconsumed.IsEmpty || reader.BytesConsumed == 0)) return;
            if (reader.BytesConsumed == 0 && !filled)
            {
                context.ReportProblem($"a JSON value larger than {MaxTokenBytes} bytes: the rest was not read");
                return;
            }
        }
    }

    /// <summary>Each line is a value of its own: a broken or truncated line cannot swallow the next one.</summary>
    private void ExtractLines(Utf8Window window, JsonRecordBuilder builder, ExtractionContext context)
    {
        var skipping = false;
        var broken = 0;
        while (true)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var pending = window.Unconsumed;
            var newline = pending.IndexOf((byte)'\n');
            if (newline < 0 && !window.IsFinal)
            {
                if (window.Fill()) continue;

                // A line longer than the window can hold: dropped up to its end.
                var (_, at) = window.PositionOf(window.UnconsumedStart);
                context.ReportProblem($"a JSON line longer than {MaxTokenBytes} bytes near line {at} was skipped");
                window.Consume(pending.Length);
                skipping = true;
                continue;
            }

            var line = newline < 0 ? pending : pending[..newline];
            var consumed = newline < 0 ? pending.Length : newline + 1;
            if (!skipping && !line.IsEmpty)
            {
                var reader = new Utf8JsonReader(line, isFinalBlock: true, new JsonReaderState(Options));
                try
                {
                    Read(ref reader, builder, window);
                }
                catch (JsonException)
                {
                    var (_, at) = window.PositionOf(window.UnconsumedStart);
                    context.ReportProblem($"invalid JSON at line {at}; the following lines were read");
                    if (++broken > MaxBrokenLines)
                    {
                        context.ReportProblem("too many invalid JSON lines: the rest was not read");
                        return;
                    }
                }

                // Whatever the line left open is closed with it.
                builder.Finish();
            }

            skipping = false;
            window.Consume(consumed);
            if (newline < 0) return;
        }
    }

    private void Read(ref Utf8JsonReader reader, JsonRecordBuilder builder, Utf8Window window)
    {
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    var (offset, line) = window.PositionOf(window.UnconsumedStart + reader.TokenStartIndex);
                    builder.Start(reader.TokenType == JsonTokenType.StartArray, offset, line);
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    builder.End();
                    break;
                case JsonTokenType.PropertyName:
                    builder.Property(Chars(ref reader));
                    break;
                case JsonTokenType.String:
                    if (reader.ValueSpan.Length >= JsonRecordBuilder.ProseChars)
                    {
                        var (o, l) = window.PositionOf(window.UnconsumedStart + reader.TokenStartIndex);
                        builder.Text(Chars(ref reader), o, l);
                    }
                    else
                    {
                        builder.Scalar(Chars(ref reader));
                    }

                    break;
                case JsonTokenType.Number:
                    builder.Scalar(Ascii(reader.ValueSpan));
                    break;
                case JsonTokenType.True:
                    builder.Scalar("true");
                    break;
                case JsonTokenType.False:
                    builder.Scalar("false");
                    break;
            }
        }
    }

    private ReadOnlySpan<char> Chars(ref Utf8JsonReader reader)
    {
        var max = reader.ValueSpan.Length;
        if (_chars.Length < max) _chars = new char[Math.Max(max, _chars.Length * 2)];
        var n = reader.CopyString(_chars);
        return _chars.AsSpan(0, n);
    }

    private ReadOnlySpan<char> Ascii(ReadOnlySpan<byte> bytes)
    {
        if (_chars.Length < bytes.Length) _chars = new char[Math.Max(bytes.Length, _chars.Length * 2)];
        var n = Encoding.UTF8.GetChars(bytes, _chars);
        return _chars.AsSpan(0, n);
    }
}
