using LeakWatch.Core.Extraction;
using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Tests.Extraction;

public sealed class SqlExtractorTests
{
    private const string MySqlDump = """
        -- MySQL dump 10.13  Distrib 8.0.36
        /*!40101 SET NAMES utf8mb4 */;
        DROP TABLE IF EXISTS `patients`;
        CREATE TABLE `patients` (
          `id` int NOT NULL AUTO_INCREMENT,
          `nom` varchar(100) DEFAULT NULL COMMENT 'nom, de famille',
          `prenom` varchar(100) DEFAULT NULL,
          `date_naissance` date DEFAULT NULL,
          `nir` char(15) DEFAULT NULL,
          `email` varchar(255) DEFAULT NULL,
          PRIMARY KEY (`id`),
          KEY `idx_nom` (`nom`,`prenom`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
        LOCK TABLES `patients` WRITE;
        INSERT INTO `patients` VALUES (1,'DUPONT','Hélène','1965-03-12','265037511212382','helene.dupont@example.org'),(2,'O\'BRIEN','Kate','1980-07-01',NULL,'kate\\o@example.org'),
        (3,'LE GALL','Jean-Noël','1975-02-28','175022A01234567',NULL);
        UNLOCK TABLES;
        """;

    [Fact]
    public void Extract_MySqlDumpWithoutColumnList_HintsComeFromCreateTable()
    {
        var (records, problem) = ExtractionHarness.Run(new SqlExtractor(), MySqlDump);

        Assert.Null(problem);
        Assert.Equal(3, records.Count);
        Assert.Equal(["1", "DUPONT", "Hélène", "1965-03-12", "265037511212382", "helene.dupont@example.org"], records[0].Values);
        Assert.Equal(FieldHint.LastName, records[0].Fields[1].Hint);
        Assert.Equal(FieldHint.FirstName, records[0].Fields[2].Hint);
        Assert.Equal(FieldHint.BirthDate, records[0].Fields[3].Hint);
        Assert.Equal(FieldHint.Nir, records[0].Fields[4].Hint);
        Assert.Equal(FieldHint.Email, records[0].Fields[5].Hint);
    }

    [Fact]
    public void Extract_BackslashAndNull_AreDecodedAndPositionsKept()
    {
        var (records, _) = ExtractionHarness.Run(new SqlExtractor(), MySqlDump);

        Assert.Equal("O'BRIEN", records[1].Values.ElementAt(1));
        Assert.Equal("", records[1].Values.ElementAt(4));
        Assert.Equal("kate\\o@example.org", records[1].Values.ElementAt(5));
        Assert.Equal(6, records[1].Fields.Count);
    }

    [Fact]
    public void Extract_Tuples_PointAtTheirOpeningParenthesis()
    {
        var (records, _) = ExtractionHarness.Run(new SqlExtractor(), MySqlDump);

        Assert.Equal(MySqlDump.IndexOf("(1,'DUPONT'", StringComparison.Ordinal), records[0].Offset);
        Assert.Equal(MySqlDump.IndexOf("(3,'LE GALL'", StringComparison.Ordinal), records[2].Offset);
        Assert.Equal(15, records[0].Line);
        Assert.Equal(16, records[2].Line);
    }

    [Fact]
    public void Extract_PostgresInsertWithColumnList_StandardStringsKeepBackslashes()
    {
        var dump = """
            --
            -- PostgreSQL database dump
            --
            SET standard_conforming_strings = on;
            INSERT INTO public.patient (prenom, nom_naissance, ddn, telephone) VALUES ('Zoé', 'D''ALMEIDA', '2001-12-31', '+33 6 12 34 56 78');
            INSERT INTO public.patient (prenom, nom_naissance, ddn, telephone) VALUES ('Luc', 'C:\dossiers', NULL, '0612345678');
            """;

        var (records, _) = ExtractionHarness.Run(new SqlExtractor(), dump);

        Assert.Equal(2, records.Count);
        Assert.Equal("D'ALMEIDA", records[0].ValueOf(FieldHint.BirthName));
        Assert.Equal("Zoé", records[0].ValueOf(FieldHint.FirstName));
        Assert.Equal("2001-12-31", records[0].ValueOf(FieldHint.BirthDate));
        Assert.Equal("+33 6 12 34 56 78", records[0].ValueOf(FieldHint.Phone));
        Assert.Equal("C:\\dossiers", records[1].ValueOf(FieldHint.BirthName));
    }

    [Fact]
    public void Extract_CopyFromStdin_OneRecordPerLineUntilTheEndMarker()
    {
        var dump = "COPY public.patients (id, nom, prenom, date_naissance) FROM stdin;\n"
            + "1\tDUPONT\tMarie\t1965-03-12\n"
            + "2\tMARTIN\t\\N\t1970-01-01\n"
            + "3\tLE\\tGALL\tAnne\\\\Sophie\t1990-02-02\n"
            + "\\.\n"
            + "SELECT pg_catalog.setval('x', 3, true);\n";

        var (records, _) = ExtractionHarness.Run(new SqlExtractor(), dump);

        Assert.Equal(3, records.Count);
        Assert.Equal("DUPONT", records[0].ValueOf(FieldHint.LastName));
        Assert.Equal("", records[1].Values.ElementAt(2));
        Assert.Equal("LE\tGALL", records[2].ValueOf(FieldHint.LastName));
        Assert.Equal("Anne\\Sophie", records[2].ValueOf(FieldHint.FirstName));
        Assert.Equal(2, records[0].Line);
    }

    [Fact]
    public void Extract_InsertSetAndFunctionCalls_ValuesAreRead()
    {
        var dump = "INSERT INTO users SET nom = 'DUPONT', prenom = \"Marie\", ddn = STR_TO_DATE('12/03/1965', '%d/%m/%Y');\n"
            + "INSERT INTO users (nom, ddn, cree) VALUES ('MARTIN', DATE('1970-01-01'), NOW());\n";

        var (records, _) = ExtractionHarness.Run(new SqlExtractor(), dump);

        Assert.Equal(2, records.Count);
        Assert.Equal("DUPONT", records[0].ValueOf(FieldHint.LastName));
        Assert.Equal("12/03/1965", records[0].ValueOf(FieldHint.BirthDate));
        Assert.Equal("1970-01-01", records[1].ValueOf(FieldHint.BirthDate));
        Assert.Equal(["MARTIN", "1970-01-01", "NOW"], records[1].Values);
    }

    [Fact]
    public void Extract_SemicolonsAndParenthesesInsideStrings_DoNotEndTheStatement()
    {
        var dump = "INSERT INTO t VALUES ('a;b', '(x)'),('c'');--d', 'e');\nINSERT INTO t VALUES ('f','g');";

        var (records, _) = ExtractionHarness.Run(new SqlExtractor(), dump);

        Assert.Equal(["a;b|(x)", "c');--d|e", "f|g"], records.Select(r => r.Text));
    }

    [Fact]
    public void Extract_TruncatedDump_KeepsWhatWasComplete()
    {
        var dump = "INSERT INTO t (nom, prenom) VALUES ('DUPONT','Marie'),('MARTIN','Pa";

        var (records, _) = ExtractionHarness.Run(new SqlExtractor(), dump);

        Assert.Equal("DUPONT|Marie", records[0].Text);
        Assert.Equal(2, records.Count);
    }
}
