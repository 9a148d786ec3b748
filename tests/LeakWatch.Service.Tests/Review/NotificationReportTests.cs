using LeakWatch.Core.Matching;
using LeakWatch.Service.Incidents;
using LeakWatch.Service.Review;
using LeakWatch.Service.Tests.Alerting;
using LeakWatch.Service.Web;

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

    private static NotificationReport ReportOf(IncidentRow incident) =>
        NotificationReport.From(new IncidentDetail(incident, new ReviewCase { IncidentId = incident.Id, Status = CaseStatus.Confirmed }, [], []),
            new ConsoleOptions { DpoContact = "dpo@lab.example" }, "dpo");

    [Fact]
    public void NotificationReport_PatientLeak_IsABreachToNotifyWithinSeventyTwoHours()
    {
        var report = ReportOf(IncidentAlertTests.Row(MatchedRules.NirName, MatchedFields.Nir));

        Assert.Equal("patients", report.Kind);
        Assert.Equal(5, report.Persons);
        Assert.NotNull(report.NotificationDue);
        Assert.Contains("notify the CNIL within 72 hours", report.Applies, StringComparison.Ordinal);
        Assert.True(NotificationReport.HasPatients(IncidentKind.PatientLeak));
    }

    [Fact]
    public void NotificationReport_Canary_IsNotAPatientNotificationAndNamesTheSystemThatLeaked()
    {
        var incident = IncidentAlertTests.Row(MatchedRules.Identity, MatchedFields.LastName) with { Kind = IncidentKind.Canary, System = "billing" };

        var report = ReportOf(incident);
        var html = report.ToHtml().ToString();

        Assert.Equal("canary", report.Kind);
        Assert.Equal(0, report.Persons); // the canaries are synthetic: no person
        Assert.All(report.PersonsByConfidence.Values, v => Assert.Equal(0, v));
        Assert.Empty(report.Categories);
        Assert.StartsWith("A canary incident is not a patient notification", report.Applies, StringComparison.Ordinal);
        Assert.Contains("'billing'", report.Nature, StringComparison.Ordinal);
        Assert.Contains(report.MeasuresPlanned, m => m.Contains("canary retire --system billing", StringComparison.Ordinal));
        Assert.Contains("Canary incident / Incident canari", html, StringComparison.Ordinal);
        Assert.False(NotificationReport.HasPatients(IncidentKind.Canary));
    }

    [Fact]
    public void NotificationReport_EarlyWarning_HasNoRecordNoPersonAndNoDeadlineOfItsOwn()
    {
        var incident = IncidentAlertTests.Row(MatchedRules.None, MatchedFields.None) with { Kind = IncidentKind.EarlyWarning, Terms = "lab-name" };

        var report = ReportOf(incident);

        Assert.Equal("early-warning", report.Kind);
        Assert.Equal((0L, 0L), (report.Persons, report.Records));
        Assert.Null(report.NotificationDue);
        Assert.Contains("lab-name", report.Nature, StringComparison.Ordinal);
        Assert.StartsWith("Not a breach notification on its own", report.Applies, StringComparison.Ordinal);
        Assert.Contains("sans objet", report.ToHtml().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void NotificationReport_SuspiciousDump_SaysNoneOfOursWithItsCounts()
    {
        var incident = IncidentAlertTests.Row(MatchedRules.None, MatchedFields.None) with
        {
            Kind = IncidentKind.SuspiciousDump, Records = 10_000, ValidNirs = 9_990, IdentityRows = 0, PatientsTotal = 0, PatientsHigh = 0, PatientsMedium = 0, PatientsLow = 0,
        };

        var report = ReportOf(incident);

        Assert.Equal("suspicious-dump", report.Kind);
        Assert.Equal((0L, 10_000L), (report.Persons, report.Records));
        Assert.Equal(["nir"], report.Categories);
        Assert.Contains("9990 with a valid NIR", report.Nature, StringComparison.Ordinal);
        Assert.Contains("none of its enrolled patients", report.Applies, StringComparison.Ordinal);
        Assert.Null(report.NotificationDue);
    }
}
