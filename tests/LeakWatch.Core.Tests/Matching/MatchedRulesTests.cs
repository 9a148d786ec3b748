using LeakWatch.Core.Matching;

namespace LeakWatch.Core.Tests.Matching;

public sealed class MatchedRulesTests
{
    // The ids are stored in databases and the names are read by people and programs: both are pinned here.
    [Theory]
    [InlineData(1L, "email")]
    [InlineData(2L, "email+name")]
    [InlineData(4L, "identity")]
    [InlineData(8L, "identity-part")]
    [InlineData(16L, "nir")]
    [InlineData(32L, "nir+birthdate")]
    [InlineData(64L, "nir+name")]
    [InlineData(128L, "phone")]
    [InlineData(256L, "phone+name")]
    // The id is checked by name, so that a renumbered or renamed rule fails here.
    public void MatchedRules_EachRule_KeepsItsStoredIdAndName(long id, string name)
    {
        var rule = Assert.Single(MatchedRuleNames.All, r => r.Name() == name);
        Assert.Equal(id, (long)rule);
        Assert.Equal(name, rule.Name());
        Assert.Equal([name], rule.Names());
    }

    [Fact]
    public void MatchedRuleNames_All_NamesEveryRuleOfTheEnumOnceInIdOrder()
    {
        var declared = Enum.GetValues<MatchedRules>().Where(r => r != MatchedRules.None).Order();
        Assert.Equal(declared, MatchedRuleNames.All);
        Assert.Equal(MatchedRuleNames.All.Count(), MatchedRuleNames.All.Select(r => r.Name()).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Names_SeveralRules_ComeInAlphabeticalOrderAsIncidentsAlwaysListedThem()
    {
        var names = (MatchedRules.NirName | MatchedRules.Email | MatchedRules.Identity | MatchedRules.PhoneName).Names();

        Assert.Equal(["email", "identity", "nir+name", "phone+name"], names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void Names_NoneOrUnknownBits_NamesNothingForThem()
    {
        Assert.Empty(MatchedRules.None.Names());
        Assert.Equal(["nir"], (MatchedRules.Nir | (MatchedRules)(1L << 40)).Names());
    }

    [Fact]
    public void Name_SetOfTwoRules_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => (MatchedRules.Nir | MatchedRules.Email).Name());
    }

    [Fact]
    public void Reported_WeakerRuleUnderAStrongerOne_IsLeftOutAndFlagsAreNoRules()
    {
        Assert.Equal(MatchedRules.NirName, MatchRules.Reported(RuleHits.Nir | RuleHits.NirName));
        Assert.Equal(MatchedRules.NirBirthDate | MatchedRules.Identity, MatchRules.Reported(RuleHits.Nir | RuleHits.NirBirthDate | RuleHits.Identity));
        Assert.Equal(MatchedRules.PhoneName, MatchRules.Reported(RuleHits.Phone | RuleHits.PhoneName));
        Assert.Equal(MatchedRules.EmailName, MatchRules.Reported(RuleHits.Email | RuleHits.EmailName));
        Assert.Equal(MatchedRules.Identity, MatchRules.Reported(RuleHits.Identity | RuleHits.IdentityPart));
        Assert.Equal(MatchedRules.IdentityPart, MatchRules.Reported(RuleHits.IdentityPart));
        Assert.Equal(MatchedRules.Nir, MatchRules.Reported(RuleHits.Nir | RuleHits.NirContradicted));
        Assert.Equal(MatchedRules.None, MatchRules.Reported(RuleHits.NirContradicted | RuleHits.IdentityContradicted));
    }
}
