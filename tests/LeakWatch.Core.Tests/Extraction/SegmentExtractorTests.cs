using LeakWatch.Core.Extraction;
using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Tests.Extraction;

public sealed class SegmentExtractorTests
{
    // IHE PAM France: the INS (NIR body, OID 1.2.250.1.213.1.4.8) in PID-3, usage name (D) then birth name (L) in PID-5.
    private const string Adt =
        "MSH|^~\\&|GAM|HOPITAL|LAB|LABO|20240101120000||ADT^A28^ADT_A05|MSG0001|P|2.5^FRA^2.10|||||FRA|8859/1\r"
        + "EVN||20240101120000\r"
        + "PID|1||IPP12345^^^HOPITAL&1.2.250.1.71.4.2.7&ISO^PI~2650375112123^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS||"
        + "MARTIN^H\\XE9\\l\\XE8\\ne^^^MME^^D~DUPONT^H\\XE9\\l\\XE8\\ne^Marie Claire^^MME^^L|LEROY^^^^^^M|196503121030|F|||"
        + "3 rue des Lilas^^RENNES^^35000^FRA||^PRN^PH^^^^^^^^^0612345678~^NET^Internet^helene.martin@example.org||||||||||||||||\r"
        + "PV1|1|O\r";

    [Fact]
    public void Extract_Hl7Pid_IdentitiesHintedByPositionAndNameType()
    {
        var (summary, records) = ExtractionHarness.Extract(Adt, "adt.hl7");

        Assert.Equal(DocumentFormat.Hl7, summary.Format);
        var pid = Assert.Single(records);
        Assert.Equal("2650375112123", pid.ValueOf(FieldHint.Nir));
        Assert.Equal("IPP12345", pid.ValueOf(FieldHint.Identifier));
        Assert.Equal("MARTIN", pid.ValueOf(FieldHint.UsageName));
        Assert.Equal("DUPONT", pid.ValueOf(FieldHint.BirthName));
        Assert.Equal(["Hélène", "Hélène", "Marie Claire"], pid.ValuesOf(FieldHint.FirstName));
        Assert.Equal("19650312", pid.ValueOf(FieldHint.BirthDate));
        Assert.Equal("35000", pid.ValueOf(FieldHint.PostalCode));
        Assert.Equal("0612345678", pid.ValueOf(FieldHint.Phone));
        Assert.Equal("helene.martin@example.org", pid.ValueOf(FieldHint.Email));
        Assert.Contains("LEROY", pid.ValuesOf(FieldHint.Other));
        Assert.Equal(3, pid.Line);
        Assert.Equal(Adt.IndexOf("PID|", StringComparison.Ordinal), pid.Offset);
    }

    [Fact]
    public void Extract_Hl7EscapeSequences_AreDecoded()
    {
        var message = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\nPID|1||X1||DUPONT\\S\\DURAND^Anne\\T\\Marie^^^^^L||19700101\n";

        var (_, records) = ExtractionHarness.Extract(message, "msg.txt");

        var pid = Assert.Single(records);
        Assert.Equal("DUPONT^DURAND", pid.ValueOf(FieldHint.BirthName));
        Assert.Equal("Anne&Marie", pid.ValueOf(FieldHint.FirstName));
    }

    [Fact]
    public void Extract_Hl7WithOtherDelimitersAndMllpFraming_UsesTheHeader()
    {
        var message = "\u000BMSH#*@\\%#APP#FAC#LAB#LAB#20240101##ADT*A01#1#P#2.5\rPID#1##X9##LE GALL*Yann##19800701\r\u001C\r";

        var (_, records) = ExtractionHarness.Extract(message, "feed.log");

        var pid = Assert.Single(records);
        Assert.Equal("LE GALL", pid.ValueOf(FieldHint.LastName));
        Assert.Equal("Yann", pid.ValueOf(FieldHint.FirstName));
        Assert.Equal("19800701", pid.ValueOf(FieldHint.BirthDate));
    }

    [Fact]
    public void Extract_HprimPatientRecords_WithContinuationLines()
    {
        var hprim = "H|~^\\&|LABO.HPR||LAB01~LABORATOIRE||ORU|||CAB01~CABINET||P|H2.2~C|202401011200\r\n"
            + "P|1|IPP001|DOS01||DUPONT~Marie~Claire||19650312|F||3 RUE DES LILAS~~RENNES~~35000||0612345678\r\n"
            + "OBR|1|||NFS\r\n"
            + "P|2|IPP002|||LE GALL~Yann|MARTIN|19800701|M||1 PLACE\r\n"
            + "A|~~BREST~~29200||0298000000\r\n"
            + "L|1\r\n";

        var (summary, records) = ExtractionHarness.Extract(hprim, "resultats.hpr");

        Assert.Equal(DocumentFormat.Hprim, summary.Format);
        Assert.Equal(2, records.Count);
        Assert.Equal("DUPONT", records[0].ValueOf(FieldHint.LastName));
        Assert.Equal(["Marie", "Claire"], records[0].ValuesOf(FieldHint.FirstName));
        Assert.Equal("19650312", records[0].ValueOf(FieldHint.BirthDate));
        Assert.Equal("35000", records[0].ValueOf(FieldHint.PostalCode));
        Assert.Equal("0612345678", records[0].ValueOf(FieldHint.Phone));
        Assert.Contains("IPP001", records[0].ValuesOf(FieldHint.Identifier));

        Assert.Equal("LE GALL", records[1].ValueOf(FieldHint.LastName));
        Assert.Equal("MARTIN", records[1].ValueOf(FieldHint.BirthName));
        Assert.Equal("29200", records[1].ValueOf(FieldHint.PostalCode));
        Assert.Equal("0298000000", records[1].ValueOf(FieldHint.Phone));
        Assert.Equal(4, records[1].Line);
    }

    [Fact]
    public void Extract_HprimWithBackslashComponents_ReadsTheDelimitersFromTheHeader()
    {
        var hprim = "H|\\^&~|CLIR949.hpr||CASA\\LABORATOIRE||ORU|||M0701\\CLINIQUE||P|H2.0\\:C|201204042104\n"
            + "P|0001|240932||12012010|BRAHMIA\\RAFIK||19721129|M||2 RUE BIS\\\\AVIGNON\\\\84000|\n";

        var (_, records) = ExtractionHarness.Extract(hprim, "x.txt");

        var patient = Assert.Single(records);
        Assert.Equal("BRAHMIA", patient.ValueOf(FieldHint.LastName));
        Assert.Equal("RAFIK", patient.ValueOf(FieldHint.FirstName));
        Assert.Equal("19721129", patient.ValueOf(FieldHint.BirthDate));
        Assert.Equal("84000", patient.ValueOf(FieldHint.PostalCode));
    }
}
