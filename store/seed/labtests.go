package seed

import (
	"context"

	"hms/store/catalog"
)

// f returns a pointer to v, for the optional critical limits.
func f(v float64) *float64 { return &v }

// Specimen containers, by the colour of the tube cap.
const (
	edta     = "EDTA (lavender top)"
	sst      = "Plain/SST (gold top)"
	fluoride = "Fluoride (grey top)"
	urineBox = "Sterile urine container"
)

// dipstick are the answers of a urine dipstick test.
var dipstick = []string{"Nil", "Trace", "1+", "2+", "3+", "4+"}

// adult is a reference range for adults of either sex; male and female are sex-specific.
func adult(lo, hi float64) catalog.RefRange {
	return catalog.RefRange{AgeFrom: 18, AgeTo: 130, Low: lo, High: hi}
}
func male(lo, hi float64) catalog.RefRange {
	return catalog.RefRange{Sex: "M", AgeFrom: 18, AgeTo: 130, Low: lo, High: hi}
}
func female(lo, hi float64) catalog.RefRange {
	return catalog.RefRange{Sex: "F", AgeFrom: 18, AgeTo: 130, Low: lo, High: hi}
}

// Reusable specimen descriptions.
func blood(t catalog.LabTest) catalog.LabTest {
	t.Specimen, t.Container = "whole blood", edta
	return t
}
func serum(t catalog.LabTest) catalog.LabTest {
	t.Specimen, t.Container = "serum", sst
	return t
}
func plasmaF(t catalog.LabTest) catalog.LabTest {
	t.Specimen, t.Container = "plasma", fluoride
	return t
}
func urine(t catalog.LabTest) catalog.LabTest {
	t.Specimen, t.Container = "urine (midstream)", urineBox
	return t
}

// demoLabTests is the lab catalogue: the tests first, then the panels that group them.
// Units are the conventional ones Indian laboratories report (mg/dL for glucose and creatinine).
var demoLabTests = []catalog.LabTest{
	// Haematology (CBC components)
	blood(catalog.LabTest{Code: "HB", LOINC: "718-7", Name: "Haemoglobin", Unit: "g/dL", ServiceCode: "LAB-HB", TATHours: 4,
		Ranges: []catalog.RefRange{male(13, 17), female(12, 15),
			{AgeFrom: 1, AgeTo: 12, Low: 11.5, High: 15.5}, {AgeFrom: 12, AgeTo: 18, Low: 12, High: 16}},
		CriticalLow: f(7), CriticalHigh: f(20)}),
	blood(catalog.LabTest{Code: "WBC", LOINC: "6690-2", Name: "Total leucocyte count", Unit: "10^3/µL", TATHours: 4,
		Ranges: []catalog.RefRange{adult(4, 11)}, CriticalLow: f(2), CriticalHigh: f(30)}),
	blood(catalog.LabTest{Code: "NEUT", LOINC: "770-8", Name: "Neutrophils", Unit: "%", TATHours: 4,
		Ranges: []catalog.RefRange{adult(40, 80)}}),
	blood(catalog.LabTest{Code: "LYMPH", LOINC: "736-9", Name: "Lymphocytes", Unit: "%", TATHours: 4,
		Ranges: []catalog.RefRange{adult(20, 40)}}),
	blood(catalog.LabTest{Code: "PLT", LOINC: "777-3", Name: "Platelet count", Unit: "10^3/µL", TATHours: 4,
		Ranges: []catalog.RefRange{adult(150, 410)}, CriticalLow: f(20), CriticalHigh: f(1000)}),
	blood(catalog.LabTest{Code: "RBC", LOINC: "789-8", Name: "RBC count", Unit: "10^6/µL", TATHours: 4,
		Ranges: []catalog.RefRange{male(4.5, 5.5), female(3.8, 4.8)}}),
	blood(catalog.LabTest{Code: "HCT", LOINC: "4544-3", Name: "Haematocrit (PCV)", Unit: "%", TATHours: 4,
		Ranges: []catalog.RefRange{male(40, 50), female(36, 46)}, CriticalLow: f(20), CriticalHigh: f(60)}),
	blood(catalog.LabTest{Code: "MCV", LOINC: "787-2", Name: "Mean corpuscular volume (MCV)", Unit: "fL", TATHours: 4,
		Ranges: []catalog.RefRange{adult(83, 101)}}),
	blood(catalog.LabTest{Code: "HBA1C", LOINC: "4548-4", Name: "Glycated haemoglobin (HbA1c)", Unit: "%", ServiceCode: "LAB-HBA1C",
		TATHours: 24, Ranges: []catalog.RefRange{adult(4, 5.6)}}),

	// Biochemistry
	serum(catalog.LabTest{Code: "UREA", LOINC: "3091-6", Name: "Blood urea", Unit: "mg/dL", TATHours: 6,
		Ranges: []catalog.RefRange{adult(15, 40)}}),
	serum(catalog.LabTest{Code: "CREAT", LOINC: "2160-0", Name: "Creatinine", Unit: "mg/dL", ServiceCode: "LAB-CREAT", TATHours: 6,
		Ranges: []catalog.RefRange{male(0.7, 1.3), female(0.6, 1.1)}}),
	serum(catalog.LabTest{Code: "URIC", LOINC: "3084-1", Name: "Uric acid", Unit: "mg/dL", TATHours: 6,
		Ranges: []catalog.RefRange{male(3.5, 7.2), female(2.6, 6)}}),
	serum(catalog.LabTest{Code: "NA", LOINC: "2951-2", Name: "Sodium", Unit: "mmol/L", TATHours: 4,
		Ranges: []catalog.RefRange{adult(136, 145)}, CriticalLow: f(120), CriticalHigh: f(160)}),
	serum(catalog.LabTest{Code: "K", LOINC: "2823-3", Name: "Potassium", Unit: "mmol/L", TATHours: 4,
		Ranges: []catalog.RefRange{adult(3.5, 5.1)}, CriticalLow: f(2.8), CriticalHigh: f(6.2)}),
	serum(catalog.LabTest{Code: "CL", LOINC: "2075-0", Name: "Chloride", Unit: "mmol/L", TATHours: 4,
		Ranges: []catalog.RefRange{adult(98, 107)}}),
	serum(catalog.LabTest{Code: "TBIL", LOINC: "1975-2", Name: "Bilirubin, total", Unit: "mg/dL", TATHours: 6,
		Ranges: []catalog.RefRange{adult(0.3, 1.2)}}),
	serum(catalog.LabTest{Code: "DBIL", LOINC: "1968-7", Name: "Bilirubin, direct", Unit: "mg/dL", TATHours: 6,
		Ranges: []catalog.RefRange{adult(0, 0.3)}}),
	serum(catalog.LabTest{Code: "AST", LOINC: "1920-8", Name: "AST (SGOT)", Unit: "U/L", TATHours: 6,
		Ranges: []catalog.RefRange{adult(5, 40)}}),
	serum(catalog.LabTest{Code: "ALT", LOINC: "1742-6", Name: "ALT (SGPT)", Unit: "U/L", TATHours: 6,
		Ranges: []catalog.RefRange{male(0, 50), female(0, 35)}}),
	serum(catalog.LabTest{Code: "ALP", LOINC: "6768-6", Name: "Alkaline phosphatase", Unit: "U/L", TATHours: 6,
		Ranges: []catalog.RefRange{adult(44, 147)}}),
	serum(catalog.LabTest{Code: "TP", LOINC: "2885-2", Name: "Total protein", Unit: "g/dL", TATHours: 6,
		Ranges: []catalog.RefRange{adult(6.4, 8.3)}}),
	serum(catalog.LabTest{Code: "ALB", LOINC: "1751-7", Name: "Albumin", Unit: "g/dL", TATHours: 6,
		Ranges: []catalog.RefRange{adult(3.5, 5.2)}}),
	serum(catalog.LabTest{Code: "CHOL", LOINC: "2093-3", Name: "Total cholesterol", Unit: "mg/dL", TATHours: 8,
		Ranges: []catalog.RefRange{adult(0, 200)}}),
	serum(catalog.LabTest{Code: "TG", LOINC: "2571-8", Name: "Triglycerides", Unit: "mg/dL", TATHours: 8,
		Ranges: []catalog.RefRange{adult(0, 150)}}),
	serum(catalog.LabTest{Code: "HDL", LOINC: "2085-9", Name: "HDL cholesterol", Unit: "mg/dL", TATHours: 8,
		Ranges: []catalog.RefRange{male(40, 100), female(50, 100)}}),
	serum(catalog.LabTest{Code: "LDL", LOINC: "13457-7", Name: "LDL cholesterol (calculated)", Unit: "mg/dL", TATHours: 8,
		Ranges: []catalog.RefRange{adult(0, 100)}}),
	serum(catalog.LabTest{Code: "TSH", LOINC: "3016-3", Name: "Thyroid stimulating hormone (TSH)", Unit: "µIU/mL",
		ServiceCode: "LAB-TSH", TATHours: 24, Ranges: []catalog.RefRange{adult(0.27, 4.2)}}),
	plasmaF(catalog.LabTest{Code: "GLU-F", LOINC: "1558-6", Name: "Glucose, fasting", Unit: "mg/dL", ServiceCode: "LAB-GLU-F",
		TATHours: 2, Ranges: []catalog.RefRange{adult(70, 100)}, CriticalLow: f(50), CriticalHigh: f(400)}),
	plasmaF(catalog.LabTest{Code: "GLU-PP", LOINC: "1521-4", Name: "Glucose, post-prandial (2 h)", Unit: "mg/dL",
		ServiceCode: "LAB-GLU-PP", TATHours: 2, Ranges: []catalog.RefRange{adult(70, 140)}, CriticalLow: f(50), CriticalHigh: f(400)}),
	plasmaF(catalog.LabTest{Code: "GLU-R", LOINC: "2345-7", Name: "Glucose, random", Unit: "mg/dL", ServiceCode: "LAB-GLU-R",
		TATHours: 1, Ranges: []catalog.RefRange{adult(70, 140)}, CriticalLow: f(50), CriticalHigh: f(400)}),

	// Urine routine components (protein and sugar are reported Nil/Trace/1+…, so have no numeric range)
	urine(catalog.LabTest{Code: "U-PH", LOINC: "5803-2", Name: "Urine pH", TATHours: 4, Ranges: []catalog.RefRange{adult(4.5, 8)}}),
	urine(catalog.LabTest{Code: "U-SG", LOINC: "5811-5", Name: "Urine specific gravity", TATHours: 4,
		Ranges: []catalog.RefRange{adult(1.005, 1.03)}}),
	urine(catalog.LabTest{Code: "U-PROT", LOINC: "20454-5", Name: "Urine protein", TATHours: 4, Codes: dipstick}),
	urine(catalog.LabTest{Code: "U-SUG", LOINC: "25428-4", Name: "Urine sugar", TATHours: 4, Codes: dipstick}),
	urine(catalog.LabTest{Code: "U-PUS", LOINC: "5821-4", Name: "Pus cells", Unit: "/hpf", TATHours: 4,
		Ranges: []catalog.RefRange{adult(0, 5)}}),

	// Panels
	blood(catalog.LabTest{Code: "CBC", LOINC: "58410-2", Name: "Complete blood count (CBC)", ServiceCode: "LAB-CBC", TATHours: 4,
		Components: []string{"HB", "WBC", "NEUT", "LYMPH", "PLT", "RBC", "HCT", "MCV"}}),
	serum(catalog.LabTest{Code: "RFT", LOINC: "24362-6", Name: "Renal function test (RFT)", ServiceCode: "LAB-RFT", TATHours: 6,
		Components: []string{"UREA", "CREAT", "URIC", "NA", "K"}}),
	serum(catalog.LabTest{Code: "LFT", LOINC: "24325-3", Name: "Liver function test (LFT)", ServiceCode: "LAB-LFT", TATHours: 6,
		Components: []string{"TBIL", "DBIL", "AST", "ALT", "ALP", "TP", "ALB"}}),
	serum(catalog.LabTest{Code: "LIPID", LOINC: "24331-1", Name: "Lipid profile", ServiceCode: "LAB-LIPID", TATHours: 8,
		Components: []string{"CHOL", "TG", "HDL", "LDL"}}),
	serum(catalog.LabTest{Code: "ELEC", LOINC: "24326-1", Name: "Serum electrolytes", ServiceCode: "LAB-ELEC", TATHours: 4,
		Components: []string{"NA", "K", "CL"}}),
	urine(catalog.LabTest{Code: "URINE", LOINC: "24356-8", Name: "Urine routine examination", ServiceCode: "LAB-URINE", TATHours: 4,
		Components: []string{"U-PH", "U-SG", "U-PROT", "U-SUG", "U-PUS"}}),
}

func labTests(ctx context.Context, cat *catalog.Catalog) (int, error) {
	for _, t := range demoLabTests {
		t.Stamp = catalog.NewStamp(by)
		if err := put("lab test", t.Code, cat.AddLabTest(ctx, t)); err != nil {
			return 0, err
		}
	}
	return len(demoLabTests), nil
}
