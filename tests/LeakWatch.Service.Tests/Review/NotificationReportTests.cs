using LeakWatch.Core.Matching;
using LeakWatch.Service.Review;
using LeakWatch.Service.Tests.Alerting;

namespace LeakWatch.Service.Tests.Review;

public sealed class NotificationReportTests
{
    [Fact]
    public void NotificationReport_IncidentWithRuleIds_NamesTheRulesAndCategories()
    {
        var incident = IncidentAlertTests.Row(MatchedRules.Identity | MatchedRules.NirName, MatchedFields.Nir | MatchedFields.LastName | MatchedFields.Phone);
        var detail = new IncidentDetail(incident, new ReviewCase { IncidentId = incident.Id, Status = CaseStatus.Confirmed }, [], []);

        var report = NotificationReport.From(detail, new ConsoleOptions { DpoContact = "dpo@lab.example" }, "dpo");

        Assert.EndsWith("rules: identity, nir+name.", report.FoundHow, StringComparison.Ordinal);
        Assert.Equal(["identity", "nir", "contact"], report.Categories);
    }
}
