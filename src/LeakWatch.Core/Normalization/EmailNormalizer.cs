using System.Buffers;

namespace LeakWatch.Core.Normalization;

/// <summary>
/// Email addresses: trimmed, "mailto:" and angle brackets dropped, lower case; one '@', a non-empty local part,
/// a domain of labels with a dot. Local parts are lower-cased too: providers treat them case-insensitively
/// in practice, and a leak that upper-cases a column must still match.
/// </summary>
internal static class EmailNormalizer
{
    private const int MaxLength = 254;

    // RFC 5322 atext plus the dot; quoted local parts are not seen in patient records.
    private static readonly SearchValues<char> LocalChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-");

    private static readonly SearchValues<char> DomainChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");

    /// <summary>The normalized address of a whole field that is an email, or null.</summary>
    public static string? Normalize(ReadOnlySpan<char> raw)
    {
        var s = raw.Trim();
        if (s.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)) s = s[7..].Trim();
        if (s.Length >= 2 && s[0] == '<' && s[^1] == '>') s = s[1..^1].Trim();
        var at = s.IndexOf('@');
        if (at <= 0 || s.Length > MaxLength) return null;
        var local = s[..at];
        var domain = s[(at + 1)..];
        if (!IsValidLocal(local) || !IsValidDomain(domain)) return null;
        return Lower(s);
    }

    /// <summary>Finds email addresses inside free text.</summary>
    public static void FindAll(ReadOnlySpan<char> text, List<EmailHit> hits)
    {
        var searchFrom = 0;
        while (searchFrom < text.Length)
        {
            var offset = text[searchFrom..].IndexOf('@');
            if (offset < 0) return;
            var at = searchFrom + offset;
            var start = at;
            while (start > searchFrom && LocalChars.Contains(text[start - 1])) start--;
            // A local part does not start or end with a dot; "contact: .x@y.fr" starts after the dot.
            while (start < at && text[start] == '.') start++;
            var end = at + 1;
            while (end < text.Length && DomainChars.Contains(text[end])) end++;
            // The full stop that ends a sentence is not part of the domain.
            while (end > at + 1 && text[end - 1] is '.' or '-') end--;
            if (start < at && IsValidLocal(text[start..at]) && IsValidDomain(text[(at + 1)..end]))
            {
                hits.Add(new EmailHit(start, end - start, Lower(text[start..end])));
                searchFrom = end;
            }
            else
            {
                searchFrom = at + 1;
            }
        }
    }

    private static bool IsValidLocal(ReadOnlySpan<char> local) =>
        local.Length is > 0 and <= 64
        && !local.ContainsAnyExcept(LocalChars)
        && local[0] != '.' && local[^1] != '.'
        && !local.Contains("..", StringComparison.Ordinal);

    private static bool IsValidDomain(ReadOnlySpan<char> domain)
    {
        if (domain.Length is < 4 or > 253 || domain.ContainsAnyExcept(DomainChars)) return false;
        var lastDot = domain.LastIndexOf('.');
        if (lastDot <= 0) return false;
        // Each label: 1-63 characters, no leading or trailing hyphen.
        var rest = domain;
        while (true)
        {
            var dot = rest.IndexOf('.');
            var label = dot < 0 ? rest : rest[..dot];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return false;
            if (dot < 0) break;
            rest = rest[(dot + 1)..];
        }
        // A top-level domain is letters (2 or more): "x@y.123" is not an address.
        var tld = domain[(lastDot + 1)..];
        if (tld.Length < 2) return false;
        foreach (var c in tld)
        {
            if (!char.IsAsciiLetter(c)) return false;
        }
        return true;
    }

    private static string Lower(ReadOnlySpan<char> value) =>
        string.Create(value.Length, value, static (destination, source) => source.ToLowerInvariant(destination));
}
