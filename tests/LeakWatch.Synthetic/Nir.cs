using System.Globalization;

namespace LeakWatch.Synthetic;

/// <summary>The French social-security number (NIR): 13-character body and its 2-digit key.</summary>
public static class Nir
{
    /// <summary>
    /// 97 - (body mod 97), with Corsica's 2A counted as 19 and 2B as 18. <paramref name="body"/> is the 13-character body.
    /// </summary>
    public static int Key(ReadOnlySpan<char> body)
    {
        if (body.Length != 13) throw new ArgumentException("A NIR body has 13 characters.", nameof(body));
        Span<char> digits = stackalloc char[13];
        body.CopyTo(digits);
        // Corsica: 2A counts as 19 and 2B as 18 in the key.
        if (digits[6] is 'A' or 'a') { digits[5] = '1'; digits[6] = '9'; }
        else if (digits[6] is 'B' or 'b') { digits[5] = '1'; digits[6] = '8'; }
        var number = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return 97 - (int)(number % 97);
    }

    /// <summary>The 15-character NIR (body + key) for the parts given.</summary>
    /// <param name="department">Two characters: 01-95, 2A, 2B, 97 (overseas, commune gives the third digit), 99 (born abroad).</param>
    public static string Compose(char sex, int year, int month, string department, int commune, int order)
    {
        var body = string.Create(CultureInfo.InvariantCulture, $"{(sex == 'F' ? 2 : 1)}{year % 100:D2}{month:D2}{department}{commune:D3}{order:D3}");
        return body + Key(body).ToString("D2", CultureInfo.InvariantCulture);
    }
}
