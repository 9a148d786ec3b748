using System.Text.Json;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Alerting;
using LeakWatch.Service.Incidents;

namespace LeakWatch.Service.Tests.Alerting;

/// <summary>What an alert says of an incident row: the stored rule ids leave as the names people read.</summary>
public sealed class IncidentAlertTests
{
    internal static IncidentRow Row(MatchedRules rules, MatchedFields fields) => new(
        7, "forum-x", "https://forum.example/t/42", new string('a', 64), 1234, "2025-03-12T09:00:00.000Z", "2025-03-12T10:00:00.000Z",
        Revision: 2, PatientsHigh: 3, PatientsMedium: 1, PatientsLow: 1, PatientsTotal: 5, LastGrowth: 2, rules, fields, IncidentKind.PatientLeak);

    [Fact]
    public void IncidentAlert_FromRowWithRuleIds_SaysTheRuleAndFieldNamesInTheirOrder()
    {
        var alert = IncidentAlert.From(Row(MatchedRules.NirName | MatchedRules.Email | MatchedRules.Identity, MatchedFields.Nir | MatchedFields.Email), "https://leakwatch.lab.test/");

        Assert.Equal(["email", "identity", "nir+name"], alert.Rules);
        Assert.Equal(["Nir", "Email"], alert.Fields);
        Assert.Equal("https://leakwatch.lab.test/incidents/7", alert.ConsoleUrl);
        Assert.Contains(("Rules", "email, identity, nir+name"), AlertText.Facts(alert));
    }

    [Fact]
    public void AlertPayload_IncidentWithRules_CarriesTheNamesAsAJsonArrayAndReadsThemBack()
    {
        var payload = new AlertPayload
        {
            Type = AlertPayload.IncidentNew,
            IdempotencyKey = "k",
            CreatedAt = new DateTimeOffset(2025, 3, 12, 10, 0, 0, TimeSpan.Zero),
            Incident = IncidentAlert.From(Row(MatchedRules.PhoneName | MatchedRules.NirBirthDate, MatchedFields.Phone), "https://leakwatch.lab.test"),
        };

        var json = JsonDocument.Parse(payload.ToJson()).RootElement.GetProperty("incident").GetProperty("rules");

        Assert.Equal(["nir+birthdate", "phone+name"], json.EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["nir+birthdate", "phone+name"], AlertPayload.FromJson(payload.ToJson()).Incident!.Rules);
    }

    [Fact]
    public void IncidentAlert_FromRowWithoutRules_SaysNoneAndADash()
    {
        var alert = IncidentAlert.From(Row(MatchedRules.None, MatchedFields.None), "https://leakwatch.lab.test");

        Assert.Empty(alert.Rules);
        Assert.Contains(("Rules", "-"), AlertText.Facts(alert));
    }
}
