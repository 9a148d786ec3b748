using System.Globalization;

namespace LeakWatch.Service.Storage;

/// <summary>
/// Every time in the database: UTC, milliseconds and a Z, fixed width, so that text order is time order (SQL compares
/// them as text) and SQLite's own <c>strftime('%Y-%m-%dT%H:%M:%fZ', ...)</c> writes the same.
/// </summary>
internal static class DbTime
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>
    /// Crawl state and source health were written in the round-trip format ("O": seven decimals, +00:00) until both
    /// used this class. Such rows are still read; compared as text with this format they keep their order to the
    /// millisecond, since both are UTC and share the prefix up to the milliseconds.
    /// </summary>
    private const string RoundTripFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffffzzz";

    private static readonly string[] Formats = [Format, RoundTripFormat];

    public static string Text(DateTimeOffset time) => time.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.ParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();
}
