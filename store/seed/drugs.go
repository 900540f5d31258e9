package seed

import (
	"context"

	"hms/store/catalog"
)

func drug(code, generic, form, strength, route, atc string, pack int, unit string, reorder int, brands ...string) catalog.Drug {
	return catalog.Drug{Code: code, Generic: generic, Brands: brands, Form: form, Strength: strength, Route: route,
		ATC: atc, PackSize: pack, Unit: unit, ReorderLevel: reorder}
}

// controlled marks a narcotic or psychotropic drug (NDPS Act): dispensed against a register.
func controlled(d catalog.Drug) catalog.Drug { d.Controlled = true; return d }

// demoDrugs is the formulary, drawn from the WHO and Indian national essential medicines lists.
// PackSize counts dispensing units (Unit) per pack; ReorderLevel is in dispensing units.
var demoDrugs = []catalog.Drug{
	// Analgesics and antipyretics
	drug("PARA500T", "Paracetamol", "tablet", "500 mg", "oral", "N02BE01", 10, "tablet", 2000, "Crocin", "Calpol"),
	drug("PARA125S", "Paracetamol", "syrup", "125 mg/5 ml, 60 ml", "oral", "N02BE01", 1, "bottle", 50, "Calpol"),
	drug("PARA1GI", "Paracetamol", "infusion", "1 g/100 ml", "IV", "N02BE01", 1, "bottle", 40),
	drug("IBU400T", "Ibuprofen", "tablet", "400 mg", "oral", "M01AE01", 10, "tablet", 500, "Brufen"),
	controlled(drug("TRAM50C", "Tramadol", "capsule", "50 mg", "oral", "N02AX02", 10, "capsule", 100)),
	controlled(drug("MORPH10I", "Morphine sulfate", "injection", "10 mg/ml, 1 ml ampoule", "IV/IM/SC", "N02AA01", 10, "ampoule", 20)),
	// Anti-infectives
	drug("AMOX500C", "Amoxicillin", "capsule", "500 mg", "oral", "J01CA04", 10, "capsule", 500, "Mox", "Novamox"),
	drug("AMCL625T", "Amoxicillin + clavulanic acid", "tablet", "500 mg + 125 mg", "oral", "J01CR02", 10, "tablet", 300, "Augmentin"),
	drug("AZI500T", "Azithromycin", "tablet", "500 mg", "oral", "J01FA10", 3, "tablet", 150, "Azithral", "Azee"),
	drug("CIP500T", "Ciprofloxacin", "tablet", "500 mg", "oral", "J01MA02", 10, "tablet", 300, "Ciplox"),
	drug("MTZ400T", "Metronidazole", "tablet", "400 mg", "oral", "P01AB01", 10, "tablet", 300, "Flagyl", "Metrogyl"),
	drug("MTZ500I", "Metronidazole", "infusion", "500 mg/100 ml", "IV", "J01XD01", 1, "bottle", 50, "Metrogyl"),
	drug("CTRX1GI", "Ceftriaxone", "injection", "1 g vial", "IV/IM", "J01DD04", 1, "vial", 100, "Monocef"),
	// Diabetes and thyroid
	drug("MFM500T", "Metformin", "tablet", "500 mg", "oral", "A10BA02", 10, "tablet", 1000, "Glycomet"),
	drug("GLIM1T", "Glimepiride", "tablet", "1 mg", "oral", "A10BB12", 10, "tablet", 300, "Amaryl"),
	drug("INSR40V", "Insulin, human soluble (regular)", "injection", "40 IU/ml, 10 ml vial", "SC/IV", "A10AB01", 1, "vial", 20, "Huminsulin R", "Actrapid"),
	drug("LEVO50T", "Levothyroxine", "tablet", "50 mcg", "oral", "H03AA01", 100, "tablet", 500, "Thyronorm", "Eltroxin"),
	// Cardiovascular
	drug("AML5T", "Amlodipine", "tablet", "5 mg", "oral", "C08CA01", 10, "tablet", 1000, "Amlong"),
	drug("ATN50T", "Atenolol", "tablet", "50 mg", "oral", "C07AB03", 14, "tablet", 500, "Aten"),
	drug("LOS50T", "Losartan", "tablet", "50 mg", "oral", "C09CA01", 10, "tablet", 500, "Losar"),
	drug("ENA5T", "Enalapril", "tablet", "5 mg", "oral", "C09AA02", 10, "tablet", 300, "Envas"),
	drug("ATOR10T", "Atorvastatin", "tablet", "10 mg", "oral", "C10AA05", 10, "tablet", 1000, "Atorva"),
	drug("ASP75T", "Aspirin", "tablet", "75 mg", "oral", "B01AC06", 14, "tablet", 1000, "Ecosprin"),
	drug("CLOP75T", "Clopidogrel", "tablet", "75 mg", "oral", "B01AC04", 10, "tablet", 500, "Clopilet"),
	drug("WARF5T", "Warfarin", "tablet", "5 mg", "oral", "B01AA03", 30, "tablet", 100, "Warf"),
	drug("HEP5KI", "Heparin sodium", "injection", "5000 IU/ml, 5 ml vial", "IV/SC", "B01AB01", 1, "vial", 30),
	drug("FUR40T", "Furosemide", "tablet", "40 mg", "oral", "C03CA01", 10, "tablet", 300, "Lasix"),
	drug("FUR20I", "Furosemide", "injection", "10 mg/ml, 2 ml ampoule", "IV/IM", "C03CA01", 10, "ampoule", 100, "Lasix"),
	drug("ISDN5T", "Isosorbide dinitrate", "tablet", "5 mg", "sublingual", "C01DA08", 50, "tablet", 200, "Sorbitrate"),
	drug("GTN05T", "Glyceryl trinitrate (nitroglycerin)", "tablet", "0.5 mg", "sublingual", "C01DA02", 25, "tablet", 100, "Angised"),
	drug("SIL50T", "Sildenafil", "tablet", "50 mg", "oral", "G04BE03", 4, "tablet", 40),
	drug("ADR1I", "Adrenaline (epinephrine)", "injection", "1 mg/ml, 1 ml ampoule", "IM/IV", "C01CA24", 10, "ampoule", 50),
	drug("ATRO06I", "Atropine sulfate", "injection", "0.6 mg/ml, 1 ml ampoule", "IV/IM", "A03BA01", 10, "ampoule", 50),
	// Gastrointestinal
	drug("OME20C", "Omeprazole", "capsule", "20 mg", "oral", "A02BC01", 15, "capsule", 600, "Omez"),
	drug("PAN40I", "Pantoprazole", "injection", "40 mg vial", "IV", "A02BC02", 1, "vial", 100, "Pantocid", "Pan"),
	drug("OND4T", "Ondansetron", "tablet", "4 mg", "oral", "A04AA01", 10, "tablet", 300, "Emeset"),
	drug("OND2I", "Ondansetron", "injection", "2 mg/ml, 2 ml ampoule", "IV/IM", "A04AA01", 5, "ampoule", 100, "Emeset"),
	drug("DOM10T", "Domperidone", "tablet", "10 mg", "oral", "A03FA03", 10, "tablet", 300, "Domstal"),
	drug("ORS", "Oral rehydration salts (WHO low osmolarity)", "powder", "20.5 g sachet", "oral", "A07CA", 1, "sachet", 300, "Electral"),
	drug("ZINC20T", "Zinc sulfate", "dispersible tablet", "20 mg", "oral", "A12CB01", 10, "tablet", 300),
	// Respiratory and allergy
	drug("SALB100MDI", "Salbutamol", "metered-dose inhaler", "100 mcg/dose, 200 doses", "inhalation", "R03AC02", 1, "inhaler", 30, "Asthalin"),
	drug("SALB25R", "Salbutamol", "nebuliser solution", "2.5 mg/2.5 ml respule", "inhalation", "R03AC02", 20, "respule", 200, "Asthalin"),
	drug("BUD05R", "Budesonide", "nebuliser suspension", "0.5 mg/2 ml respule", "inhalation", "R03BA02", 20, "respule", 100, "Budecort"),
	drug("CET10T", "Cetirizine", "tablet", "10 mg", "oral", "R06AE07", 10, "tablet", 300, "Cetzine"),
	// Corticosteroids
	drug("PRED5T", "Prednisolone", "tablet", "5 mg", "oral", "H02AB06", 10, "tablet", 300, "Wysolone"),
	drug("DEXA4I", "Dexamethasone", "injection", "4 mg/ml, 2 ml ampoule", "IV/IM", "H02AB02", 10, "ampoule", 100, "Decadron"),
	drug("HYD100I", "Hydrocortisone sodium succinate", "injection", "100 mg vial", "IV/IM", "H02AB09", 1, "vial", 50, "Efcorlin"),
	// Vitamins and minerals
	drug("IFA60T", "Ferrous sulfate + folic acid", "tablet", "60 mg elemental iron + 400 mcg", "oral", "B03AD03", 10, "tablet", 1000),
	drug("CAL500T", "Calcium carbonate", "tablet", "500 mg elemental calcium", "oral", "A12AA04", 15, "tablet", 500, "Shelcal"),
	drug("VITD60K", "Cholecalciferol (vitamin D3)", "capsule", "60,000 IU", "oral", "A11CC05", 4, "capsule", 100),
	// Nervous system
	controlled(drug("DIAZ5T", "Diazepam", "tablet", "5 mg", "oral", "N05BA01", 10, "tablet", 100, "Valium", "Calmpose")),
	controlled(drug("DIAZ10I", "Diazepam", "injection", "5 mg/ml, 2 ml ampoule", "IV", "N05BA01", 10, "ampoule", 20, "Calmpose")),
	drug("LIG2I", "Lidocaine (lignocaine)", "injection", "2%, 30 ml vial", "local infiltration", "N01BB02", 1, "vial", 30, "Xylocaine"),
	// Obstetrics
	drug("OXY5I", "Oxytocin", "injection", "5 IU/ml, 1 ml ampoule", "IM/IV", "H01BB02", 10, "ampoule", 100, "Pitocin"),
	drug("MGSO4I", "Magnesium sulfate", "injection", "50% w/v (500 mg/ml), 2 ml ampoule", "IV/IM", "B05XA05", 10, "ampoule", 50),
	// Intravenous fluids
	drug("NS500", "Sodium chloride 0.9% (normal saline)", "infusion", "500 ml", "IV", "B05BB01", 1, "bottle", 300),
	drug("RL500", "Ringer lactate (compound sodium lactate)", "infusion", "500 ml", "IV", "B05BB01", 1, "bottle", 300),
	drug("D5W500", "Dextrose 5%", "infusion", "500 ml", "IV", "B05BA03", 1, "bottle", 200),
}

func drugs(ctx context.Context, cat *catalog.Catalog) (int, error) {
	for _, d := range demoDrugs {
		d.Stamp = catalog.NewStamp(by)
		if err := put("drug", d.Code, cat.AddDrug(ctx, d)); err != nil {
			return 0, err
		}
	}
	return len(demoDrugs), nil
}
