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
        var state = new JsonReaderState(Options);
        var resyncing = false;
        var brokenLines = 0;
        while (true)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var filled = window.Fill();
            if (resyncing)
            {
                // Skip to the start of the next line, then read afresh.
                var newline = window.Unconsumed.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    window.Consume(window.Unconsumed.Length);
                    if (window.IsFinal) break;
                    continue;
                }

                window.Consume(newline + 1);
                resyncing = false;
                state = new JsonReaderState(Options);
            }

            var reader = new Utf8JsonReader(window.Unconsumed, window.IsFinal, state);
            try
            {
                Read(ref reader, builder, window);
            }
            catch (JsonException)
            {
                var (_, line) = window.PositionOf(window.UnconsumedStart + reader.BytesConsumed);
                window.Consume((int)reader.BytesConsumed);
                builder.Finish();
                if (!lines || ++brokenLines > MaxBrokenLines)
                {
                    context.ReportProblem($"invalid JSON near line {line}: the rest was not read");
                    break;
                }

                context.ReportProblem($"invalid JSON near line {line}: reading resumed at the next line");
                resyncing = true;
                continue;
            }

            window.Consume((int)reader.BytesConsumed);
            state = reader.CurrentState;
            if (window.IsFinal && (window.Unconsumed.IsEmpty || reader.BytesConsumed == 0)) break;
            if (reader.BytesConsumed == 0 && !filled)
            {
                context.ReportProblem($"a JSON value larger than {MaxTokenBytes} bytes: the rest was not read");
                break;
            }
        }

        builder.Finish();
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
