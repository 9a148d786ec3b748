using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace LeakWatch.Service.Review;

/// <summary>
/// Markup known to be safe. The only ways to make one are literals of our own code and <see cref="Of"/>, whose
/// interpolation holes are HTML-encoded unless they are <see cref="Html"/> themselves: a crawled title cannot become
/// markup by mistake.
/// </summary>
internal readonly record struct Html(string Value)
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static Html Empty { get; } = new("");

    public static Html Of(ref HtmlHandler handler) => handler.ToHtml();

    public static Html Encode(string? text) => new(Encoder.Encode(text ?? ""));

    public static Html Join(IEnumerable<Html> parts) => new(string.Concat(parts.Select(p => p.Value)));

    public override string ToString() => Value;
}

[InterpolatedStringHandler]
internal ref struct HtmlHandler
{
    private readonly StringBuilder _builder;

    public HtmlHandler(int literalLength, int formattedCount) => _builder = new StringBuilder(literalLength + formattedCount * 16);

    public readonly void AppendLiteral(string literal) => _builder.Append(literal);

    public readonly void AppendFormatted(Html html) => _builder.Append(html.Value);

    public readonly void AppendFormatted(IEnumerable<Html> parts)
    {
        foreach (var part in parts) _builder.Append(part.Value);
    }

    public readonly void AppendFormatted(string? text) => _builder.Append(Html.Encode(text).Value);

    // Overload resolution prefers this generic one to the IEnumerable<Html> one for a List<Html>: both are handled here.
    public readonly void AppendFormatted<T>(T value)
    {
        switch (value)
        {
            case Html html:
                _builder.Append(html.Value);
                break;
            case IEnumerable<Html> parts:
                AppendFormatted(parts);
                break;
            default:
                _builder.Append(Html.Encode(Convert.ToString(value, CultureInfo.InvariantCulture)).Value);
                break;
        }
    }

    public readonly Html ToHtml() => new(_builder.ToString());
}
