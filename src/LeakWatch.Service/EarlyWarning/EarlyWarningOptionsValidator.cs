using Microsoft.Extensions.Options;

namespace LeakWatch.Service.EarlyWarning;

/// <summary>
/// Checks the watched terms at start, so that a bad one stops the service with its name and setting: a term without
/// a name, with both or neither of Text and Pattern, a pattern that does not compile, or one with accented letters
/// (the text it runs on has none, so it could never match).
/// </summary>
internal sealed class EarlyWarningOptionsValidator : IValidateOptions<EarlyWarningOptions>
{
    public ValidateOptionsResult Validate(string? name, EarlyWarningOptions options)
    {
        var failures = new List<string>();
        const string section = EarlyWarningOptions.SectionName;
        if (options.RegexTimeout <= TimeSpan.Zero || options.RegexTimeout > TimeSpan.FromSeconds(10))
        {
            failures.Add($"{section}:RegexTimeout must be more than 0 and at most 10 seconds; it is {options.RegexTimeout}.");
        }
        if (options.SuspiciousDump.MinValidNirs < 1) failures.Add($"{section}:SuspiciousDump:MinValidNirs must be at least 1.");
        if (options.SuspiciousDump.MinIdentityRows < 1) failures.Add($"{section}:SuspiciousDump:MinIdentityRows must be at least 1.");

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.WatchedTerms.Count; i++)
        {
            var term = options.WatchedTerms[i];
            var at = $"{section}:WatchedTerms:{i}";
            var label = string.IsNullOrWhiteSpace(term.Name) ? at : $"{at} ('{term.Name}')";
            if (string.IsNullOrWhiteSpace(term.Name)) failures.Add($"{at}:Name is required: it names the term in incidents and alerts.");
            // No comma: an incident keeps the terms it names as one comma-separated list.
            else if (term.Name.Length > 64 || term.Name.Any(char.IsControl) || term.Name.Contains(',')) failures.Add($"{at}:Name must be 1 to 64 printable characters, without a comma.");
            else if (!names.Add(term.Name.Trim())) failures.Add($"{at}:Name '{term.Name}' is used by another watched term.");

            var hasText = !string.IsNullOrWhiteSpace(term.Text);
            var hasPattern = !string.IsNullOrWhiteSpace(term.Pattern);
            if (hasText == hasPattern)
            {
                failures.Add($"{label}: give exactly one of Text (a word or phrase) and Pattern (a regular expression).");
                continue;
            }
            if (hasText && LeakWatch.Core.Normalization.FoldedText.Of(term.Text!, int.MaxValue).Length == 0)
            {
                failures.Add($"{label}:Text holds no letter or digit.");
            }
            if (!hasPattern) continue;
            try
            {
                var regex = WatchedTerms.Compile(term.Pattern!, TimeSpan.FromSeconds(1));
                if (regex.IsMatch(""))
                {
                    failures.Add($"{label}:Pattern matches an empty text, so it would match every page.");
                }
            }
            catch (ArgumentException e)
            {
                failures.Add($"{label}:Pattern is not a valid regular expression: {e.Message}");
                continue;
            }
            if (term.Pattern!.Any(c => c > '\u007F' && char.IsLetter(c)))
            {
                failures.Add($"{label}:Pattern has accented or non-ASCII letters; it runs on text folded to ASCII (accents removed), so write 'Sante', not 'Santé'.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
