using System.Text.RegularExpressions;
using LeakWatch.Core.Normalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.EarlyWarning;

/// <summary>
/// Finds the lab's watched terms in a crawled text. The text is folded once (letters to upper-case ASCII, accents
/// removed, every run of other characters to one space), so "Labo Santé-Plus", "LABO SANTE PLUS" and "labo  santé plus"
/// are one text: a word or phrase is found whole, between word boundaries; a pattern runs on the folded text,
/// case-insensitively, within <see cref="EarlyWarningOptions.RegexTimeout"/>. Only term names leave: never the text.
/// </summary>
internal sealed class WatchedTerms
{
    private readonly List<(string Name, string Folded)> _texts = [];
    private readonly List<(string Name, Regex Regex)> _patterns = [];
    private readonly int _maxCharacters;
    private readonly ILogger<WatchedTerms> _logger;

    public WatchedTerms(IOptions<EarlyWarningOptions> options, ILogger<WatchedTerms> logger)
    {
        _logger = logger;
        _maxCharacters = options.Value.MaxTextCharacters;
        foreach (var term in options.Value.WatchedTerms)
        {
            if (!string.IsNullOrWhiteSpace(term.Text)) _texts.Add((term.Name, " " + FoldedText.Of(term.Text, int.MaxValue) + " "));
            else if (!string.IsNullOrWhiteSpace(term.Pattern)) _patterns.Add((term.Name, Compile(term.Pattern, options.Value.RegexTimeout)));
        }
    }

    public bool IsEmpty => _texts.Count == 0 && _patterns.Count == 0;

    /// <summary>The names of the terms <paramref name="text"/> holds, and of the patterns that ran out of time on it (its first <see cref="EarlyWarningOptions.MaxTextCharacters"/>).</summary>
    public TermSearch Search(string text)
    {
        if (IsEmpty || string.IsNullOrEmpty(text)) return TermSearch.None;
        var folded = FoldedText.Of(text, _maxCharacters);
        var padded = " " + folded + " ";
        var found = new List<string>();
        var timedOut = new List<string>();
        foreach (var (name, term) in _texts)
        {
            if (padded.Contains(term, StringComparison.Ordinal)) found.Add(name);
        }
        foreach (var (name, regex) in _patterns)
        {
            try
            {
                if (regex.IsMatch(folded)) found.Add(name);
            }
            catch (RegexMatchTimeoutException)
            {
                // Never the text: the term's name and that it ran out of time. The document was not searched whole: the
                // caller says so in the run's summary, it is not taken as "term absent".
                Log.PatternTimedOut(_logger, name);
                timedOut.Add(name);
            }
        }
        return new TermSearch(found, timedOut);
    }

    public static Regex Compile(string pattern, TimeSpan timeout) =>
        new(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled, timeout);
}

/// <param name="Found">The names of the terms found.</param>
/// <param name="TimedOut">The names of the patterns that ran out of time: the text was not searched whole for them.</param>
internal sealed record TermSearch(IReadOnlyList<string> Found, IReadOnlyList<string> TimedOut)
{
    public static readonly TermSearch None = new([], []);
}
