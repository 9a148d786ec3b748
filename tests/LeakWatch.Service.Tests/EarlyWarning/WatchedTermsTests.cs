using LeakWatch.Service.EarlyWarning;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Tests.Hosting;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Tests.EarlyWarning;

public sealed class WatchedTermsTests
{
    private static WatchedTerms Terms(FakeLogger<WatchedTerms>? logger = null, TimeSpan? timeout = null, params WatchedTermOptions[] terms) =>
        new(Options.Create(new EarlyWarningOptions { WatchedTerms = [.. terms], RegexTimeout = timeout ?? TimeSpan.FromSeconds(1) }), logger ?? new FakeLogger<WatchedTerms>());

    [Theory]
    [InlineData("[VENTE] base LABO SANTE-PLUS 500k patients")]
    [InlineData("dump of labo  santé plus, fresh")]
    [InlineData("Labo-Santé-Plus.")]
    [InlineData("LABO\nSANTÉ\tPLUS")]
    public void Find_PhraseWrittenWithOtherCaseAccentsOrPunctuation_IsFound(string text)
    {
        var terms = Terms(null, null, new WatchedTermOptions { Name = "lab-name", Text = "Labo Santé Plus" });

        Assert.Equal(["lab-name"], terms.Search(text).Found);
    }

    [Theory]
    [InlineData("Biolabs is hiring")]
    [InlineData("superbiolab leak")]
    [InlineData("bio lab")]
    public void Find_WordOnlyInsideAnotherWord_IsNotFound(string text)
    {
        var terms = Terms(null, null, new WatchedTermOptions { Name = "software", Text = "Biolab" });

        Assert.Empty(terms.Search(text).Found);
        Assert.Equal(["software"], terms.Search("selling BIOLAB db 2026").Found);
    }

    [Fact]
    public void Find_Pattern_RunsCaseInsensitivelyOnTheFoldedText()
    {
        var terms = Terms(null, null,
            new WatchedTermOptions { Name = "software", Pattern = @"\bkali ?labo v?\d+\b" },
            new WatchedTermOptions { Name = "site", Text = "Clinique du Parc" });

        Assert.Equal(["software"], terms.Search("Accès root sur KaliLabo v3 (labo de Lyon)").Found);
        Assert.Equal(["site", "software"], terms.Search("kali-labo 12 ... clinique du parc").Found.Order(StringComparer.Ordinal));
        Assert.Empty(terms.Search("nothing to see").Found);
    }

    [Fact]
    public void Search_PatternOutOfTime_IsLoggedByNameAndReportedAsNotSearchedWhole()
    {
        var logger = new FakeLogger<WatchedTerms>();
        var terms = Terms(logger, TimeSpan.FromMilliseconds(1), new WatchedTermOptions { Name = "slow", Pattern = @"(\w+\s?)+X" });
        var text = string.Join(' ', Enumerable.Repeat("ABCDEFGHIJ", 3000));

        var search = terms.Search(text);

        Assert.Empty(search.Found);
        Assert.Equal(["slow"], search.TimedOut);
        var record = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Contains("Watched term slow", record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ABCDEFGHIJ", record.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "(unclosed", "LeakWatch:EarlyWarning:WatchedTerms:0 ('software'):Pattern is not a valid regular expression")]
    [InlineData("Biolab", "biolab", "give exactly one of Text")]
    [InlineData(null, null, "give exactly one of Text")]
    [InlineData(null, "Santé", "write 'Sante', not 'Santé'")]
    [InlineData(null, "x*", "matches an empty text")]
    [InlineData("--", null, "Text holds no letter or digit")]
    public void Validator_BadTerm_FailsNamingTheSettingAndTheTerm(string? text, string? pattern, string message)
    {
        var options = new EarlyWarningOptions { WatchedTerms = [new WatchedTermOptions { Name = "software", Text = text, Pattern = pattern }] };

        var result = new EarlyWarningOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains(message, StringComparison.Ordinal) && f.Contains("WatchedTerms:0", StringComparison.Ordinal));
    }

    [Fact]
    public void Validator_NameWithAComma_Fails()
    {
        // Incidents keep the names of the terms found as one comma-separated list: a comma would split one name in two.
        var options = new EarlyWarningOptions { WatchedTerms = [new WatchedTermOptions { Name = "lab, sites", Text = "Biolab" }] };

        var result = new EarlyWarningOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, f => f.Contains("WatchedTerms:0:Name must be 1 to 64 printable characters, without a comma", StringComparison.Ordinal));
    }

    [Fact]
    public void Validator_TwoTermsWithOneName_Fails()
    {
        var options = new EarlyWarningOptions
        {
            WatchedTerms = [new WatchedTermOptions { Name = "lab", Text = "Biolab" }, new WatchedTermOptions { Name = "LAB", Text = "Clinique" }],
        };

        var result = new EarlyWarningOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, f => f.Contains("WatchedTerms:1:Name 'LAB' is used by another", StringComparison.Ordinal));
        Assert.True(new EarlyWarningOptionsValidator().Validate(null, new EarlyWarningOptions()).Succeeded);
    }

    [Fact]
    public async Task Service_BadPatternInConfiguration_StopsAtStartNamingTheTerm()
    {
        using var cli = new CliHarness();
        cli.Settings["LeakWatch:EarlyWarning:WatchedTerms:0:Name"] = "software";
        cli.Settings["LeakWatch:EarlyWarning:WatchedTerms:0:Pattern"] = "kali[labo";

        var result = await cli.RunAsync("run");

        Assert.Equal(ExitCodes.BadConfiguration, result.ExitCode);
        Assert.Contains("LeakWatch:EarlyWarning:WatchedTerms:0 ('software'):Pattern is not a valid regular expression", result.Error, StringComparison.Ordinal);
    }
}
