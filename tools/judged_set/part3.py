# Topics 17-24: anodizing wastewater, die casting, body sheet, plate, foil, welding, corrosion.
from common import C, N, topic

topic(17, "anodizing wastewater")
C("ww-1", "en", "Treatment and reuse of anodizing and etching wastewater",
  "Recovery of caustic etch solution by crystallisation of aluminium hydroxide, neutralisation and membrane filtration of rinse water from anodizing lines, with phosphate and nickel removal.",
  "anodizing wastewater|etch recovery|rinse water reuse", 7)
C("ww-2", "zh", "铝型材表面处理废水除磷除镍与污泥减量",
  "针对铝型材氧化、着色、封孔工序废水，采用分质收集、化学沉淀和深度除磷工艺，总磷低于0.5 mg/L，含铝污泥压滤减量后制备聚合氯化铝。",
  "铝型材废水|除磷|含铝污泥|聚合氯化铝", 7)
C("ww-3", "zh", "印染废水高级氧化与中水回用",
  "针对印染企业高色度、高COD废水，采用臭氧催化氧化+膜处理工艺，回用率60%以上。",
  "印染废水|高级氧化|中水回用", 8)
C("ww-4", "en", "Textile dyeing effluent decolourisation",
  "Electrochemical and Fenton processes remove colour and COD from dyehouse effluent before biological treatment.",
  "dyeing effluent|decolourisation|Fenton|COD", 7)
C("ww-5", "zh", "电镀废水重金属回收",
  "电镀园区含铬、含镍废水的离子交换和膜浓缩回收工艺。",
  "电镀废水|重金属|离子交换", 8)
C("ww-6", "en", "Food processing wastewater anaerobic treatment",
  "UASB and membrane bioreactors for high-strength wastewater of dairies, breweries and starch plants with biogas recovery.",
  "food wastewater|anaerobic|UASB|biogas", 8)
N("n33", "zh", "氧化线废水总磷和镍超标",
  "我公司铝型材阳极氧化线每天排放废水800吨，总磷和镍超标，含铝污泥量大。希望实现达标排放、部分回用并减少污泥。",
  "阳极氧化废水|总磷|镍|污泥", 7,
  {"ww-1": 3, "ww-2": 3, "ww-5": 2, "ww-3": 1, "ww-4": 0, "ww-6": 0})
N("n34", "en", "Recover caustic from our etching line",
  "The alkaline etch baths of our extrusion finishing plant consume 300 t of caustic soda per year and the sludge disposal costs rise. We want to regenerate the etch solution and recover aluminium hydroxide.",
  "caustic etch|regeneration|aluminium hydroxide", 6,
  {"ww-1": 3, "ww-2": 2, "ww-5": 1})

topic(18, "die casting moulds")
C("dm-1", "zh", "压铸模具热疲劳开裂机理与寿命提升",
  "针对铝合金压铸模具的热疲劳龟裂和冲蚀，采用模具钢选材、真空淬火和PVD涂层，模具寿命提高50%以上。",
  "压铸模具|热疲劳|模具寿命|PVD涂层", 7)
C("dm-2", "en", "Conformal cooling of die-casting dies by additive manufacturing",
  "Laser powder-bed fused H13 inserts with conformal cooling channels lower die surface temperature peaks and thermal-fatigue cracking in aluminium high-pressure die casting.",
  "conformal cooling|die casting|H13|additive manufacturing", 6)
C("dm-3", "en", "Injection mould design for automotive plastic parts",
  "Flow simulation, gate design and cooling layout of steel injection moulds for bumpers and interior trim.",
  "injection mould|plastic parts|mould flow", 8)
C("dm-4", "zh", "模具钢表面激光熔覆修复",
  "对磨损开裂的热作模具进行激光熔覆修复，恢复尺寸并提高表面硬度。",
  "激光熔覆|模具修复|热作模具", 7)
N("n35", "en", "Heat checking on our die-casting dies",
  "Dies for aluminium gearbox housings show heat checking after 40,000 shots. We want longer die life through steel choice, heat treatment, coatings or better cooling.",
  "heat checking|die casting|die life", 7,
  {"dm-1": 3, "dm-2": 3, "dm-4": 2, "dm-3": 0})
N("n36", "zh", "压铸模具开裂后修复再利用",
  "价格昂贵的压铸模具出现裂纹后报废损失大，希望开发模具表面修复和再制造技术。",
  "模具修复|再制造|压铸模具", 6,
  {"dm-4": 3, "dm-1": 2, "dm-2": 1})

topic(19, "structural die castings")
C("hp-1", "en", "Vacuum high-pressure die casting of structural aluminium parts",
  "High-vacuum HPDC with low-iron Al-Si-Mg alloys gives shock towers and subframes with 10 % elongation after T7 heat treatment; includes porosity control and X-ray inspection.",
  "vacuum die casting|structural parts|elongation|porosity", 7)
C("hp-2", "zh", "一体化压铸免热处理铝合金开发",
  "面向超大型一体化压铸后地板，开发免热处理Al-Si-Mn-Mg压铸合金，铸态延伸率大于10%。",
  "一体化压铸|免热处理合金|汽车结构件", 6)
C("hp-3", "zh", "镁合金压铸件耐蚀涂层",
  "镁合金压铸方向盘骨架和仪表盘支架的微弧氧化与电泳复合涂层。",
  "镁合金|压铸|耐蚀涂层", 7)
C("hp-4", "en", "Porosity prediction in castings with simulation",
  "Casting simulation (MAGMA, ProCAST) of filling and solidification to predict gas and shrinkage porosity in die and sand castings.",
  "casting simulation|porosity|solidification", 8)
N("n37", "zh", "汽车结构件压铸气孔多、延伸率不够",
  "我公司为新能源车企配套压铸减震塔，产品内部气孔多，热处理后起泡，延伸率达不到8%的要求。",
  "压铸|气孔|延伸率|结构件", 7,
  {"hp-1": 3, "hp-4": 2, "hp-2": 2, "dm-1": 1, "hp-3": 0})
N("n38", "en", "Alloy for giga-casting without heat treatment",
  "We plan a 9,000 t die-casting cell for rear underbodies and need a non-heat-treatable alloy with high as-cast elongation and the process know-how.",
  "giga casting|non-heat-treatable alloy|underbody", 6,
  {"hp-2": 3, "hp-1": 2, "hp-4": 1})

topic(20, "automotive body sheet")
C("bs-1", "zh", "汽车车身用6xxx铝合金板烘烤硬化性能提升",
  "通过预时效工艺和成分优化抑制自然时效，提高6016板材的烘烤硬化增量至100 MPa以上，同时保证翻边性能。",
  "6016|烘烤硬化|汽车板|预时效", 6)
C("bs-2", "en", "Formability and hemming of aluminium outer panels",
  "Forming limit testing, springback prediction and hemming trials for 6xxx outer panels; texture control during hot and cold rolling.",
  "formability|hemming|outer panel|6xxx sheet", 6)
C("bs-3", "en", "Advanced high-strength steel for car bodies",
  "Quench-and-partition and third-generation AHSS grades, press hardening and spot welding.",
  "AHSS|car body|press hardening", 8)
C("bs-4", "zh", "5xxx铝板吕德斯带缺陷控制",
  "研究5182汽车内板冲压吕德斯带形成机理及拉矫、退火工艺控制。",
  "5182|吕德斯带|内板", 6)
N("n39", "en", "Bake hardening of our 6016 sheet fades in storage",
  "After three months of storage our 6016 outer-panel sheet loses paint-bake response and customers complain about dent resistance. We need pre-ageing and composition advice.",
  "bake hardening|natural ageing|6016", 6,
  {"bs-1": 3, "bs-2": 2, "bs-4": 1, "bs-3": 0})
N("n40", "zh", "铝合金外板包边开裂",
  "我公司6xxx铝合金汽车外板在主机厂包边时开裂，需要分析织构和成形性能，改善包边性能。",
  "包边开裂|外板|成形性", 6,
  {"bs-2": 3, "bs-1": 2, "bs-4": 1})

topic(21, "thick plate and residual stress")
C("pl-1", "en", "Residual stress reduction in 7xxx aerospace plate",
  "Quench simulation, pre-stretching and uphill quenching of 7050 and 7075 thick plate to cut machining distortion; residual stress measured by neutron and contour methods.",
  "residual stress|7050|thick plate|machining distortion", 6)
C("pl-2", "zh", "航空铝合金厚板淬火与时效工艺",
  "研究7055厚板淬火敏感性和双级时效制度，提高厚向性能均匀性和抗应力腐蚀性能。",
  "厚板|淬火敏感性|时效|7055", 5)
C("pl-3", "zh", "焊接结构件残余应力振动时效",
  "大型钢结构焊接件的振动时效消除残余应力工艺与检测。",
  "残余应力|振动时效|焊接结构", 8)
N("n41", "zh", "铝合金厚板加工变形大",
  "我公司为航空客户加工7050厚板零件，铣削后翘曲严重，怀疑淬火残余应力过大，需要消减残余应力的工艺。",
  "厚板|加工变形|残余应力|7050", 6,
  {"pl-1": 3, "pl-2": 2, "pl-3": 1})
N("n42", "en", "Through-thickness properties of 7055 plate",
  "Properties at mid-thickness of our 120 mm 7055 plate fall short of specification. We look for quench sensitivity studies and better ageing schedules.",
  "7055|quench sensitivity|ageing", 5,
  {"pl-2": 3, "pl-1": 2})

topic(22, "foil rolling")
C("fo-1", "zh", "电池铝箔轧制针孔与板形控制",
  "针对12微米以下锂电池正极集流体铝箔，优化坯料洁净度、轧制油和双合轧制工艺，降低针孔数并改善板形。",
  "电池铝箔|针孔|双合轧制|集流体", 7)
C("fo-2", "en", "Strip casting of foil stock with low inclusions",
  "Twin-roll casting parameters and melt treatment for foil stock of 8079 and 1235 alloys with fewer inclusions and centreline segregation.",
  "twin-roll casting|foil stock|8079|inclusions", 7)
C("fo-3", "en", "Food packaging films and barrier coatings",
  "High-barrier polymer films and coatings for food packaging that replace aluminium foil laminates.",
  "food packaging|barrier film|laminate", 7)
C("fo-4", "zh", "锂电池正极涂布工艺",
  "正极浆料涂布均匀性、辊压和烘干工艺优化，提高极片一致性。",
  "正极涂布|极片|锂电池制造", 8)
C("fo-5", "zh", "铝箔轧制油过滤与烟气回收",
  "铝箔轧机轧制油板式过滤、油雾回收系统设计，降低油耗和火灾风险。",
  "轧制油|过滤|油雾回收", 8)
N("n43", "en", "Pinholes in 10 micron battery foil",
  "We are entering cathode current collector foil. At 10-12 microns the pinhole count is too high and the flatness is poor. We want help with foil stock quality and rolling practice.",
  "battery foil|pinholes|current collector|rolling", 7,
  {"fo-1": 3, "fo-2": 2, "mq-2": 2, "fo-5": 1, "fo-4": 1, "fo-3": 0})
N("n44", "zh", "铸轧坯料质量影响铝箔成品率",
  "我公司用铸轧坯生产1235和8079铝箔，中心线偏析和夹杂造成断带，希望优化铸轧工艺和熔体处理。",
  "铸轧|坯料|偏析|铝箔", 7,
  {"fo-2": 3, "mq-2": 2, "mq-4": 2, "fo-1": 2, "fo-5": 1})

topic(23, "welding of aluminium")
C("wd-1", "en", "Friction stir welding of aluminium extrusions for rail cars",
  "FSW process development, tool design and qualification for long 6005A hollow profiles of railway car bodies, including fatigue testing.",
  "friction stir welding|rail car|6005A|extrusions", 8)
C("wd-2", "zh", "铝合金MIG焊气孔与软化控制",
  "研究6系、7系铝合金熔化极气体保护焊气孔和热影响区软化，开发焊丝和工艺规范。",
  "铝合金焊接|MIG|气孔|热影响区软化", 7)
C("wd-3", "zh", "钢结构桥梁焊接机器人",
  "面向桥梁钢箱梁U肋焊接的机器人系统和焊缝跟踪。",
  "焊接机器人|钢结构|焊缝跟踪", 8)
C("wd-4", "en", "Laser welding of battery tabs and busbars",
  "Laser and ultrasonic welding of copper and aluminium tabs in lithium-ion modules with inline quality monitoring.",
  "laser welding|battery tabs|busbar", 7)
N("n45", "zh", "高铁车体铝型材搅拌摩擦焊",
  "我公司挤压生产高铁车体大型中空铝型材，客户要求提供搅拌摩擦焊拼焊工艺和焊接接头疲劳评价。",
  "搅拌摩擦焊|车体|铝型材", 7,
  {"wd-1": 3, "wd-2": 2, "wd-4": 0, "wd-3": 0})
N("n46", "en", "Porosity and softening in welded 7xxx frames",
  "MIG-welded 7N01 frames show porosity and a soft heat-affected zone. We want filler wire and parameter recommendations.",
  "MIG welding|porosity|HAZ softening|7xxx", 7,
  {"wd-2": 3, "wd-1": 2})

topic(24, "corrosion")
C("co-1", "en", "Marine corrosion of 5xxx and 6xxx aluminium alloys",
  "Intergranular and exfoliation corrosion testing, sensitisation of 5083 and seawater exposure for ship hulls and offshore structures.",
  "marine corrosion|5083|intergranular corrosion|ship", 6)
C("co-2", "zh", "铝合金船舶结构防腐与阴极保护",
  "铝合金船体涂层体系和牺牲阳极阴极保护设计，评价海水全浸和飞溅区腐蚀。",
  "铝合金船舶|防腐|阴极保护", 7)
C("co-3", "zh", "钢筋混凝土海工结构耐久性",
  "海洋环境下钢筋锈蚀机理与防护、混凝土氯离子渗透控制。",
  "海工混凝土|钢筋锈蚀|氯离子", 8)
C("co-4", "en", "Corrosion inhibitors for cooling water systems",
  "Phosphonate and polymer inhibitor programmes for open recirculating cooling water in power and chemical plants.",
  "corrosion inhibitor|cooling water", 9)
N("n47", "zh", "铝合金游艇船体腐蚀",
  "我公司制造5083铝合金游艇，使用两年后船体出现晶间腐蚀和剥落，需要材料敏化评价和防护方案。",
  "5083|晶间腐蚀|船体|防护", 6,
  {"co-1": 3, "co-2": 3, "co-3": 0, "co-4": 0})
N("n48", "en", "Cathodic protection for aluminium workboats",
  "We build aluminium workboats and want a validated coating and sacrificial anode design for seawater service.",
  "cathodic protection|sacrificial anode|aluminium hull", 7,
  {"co-2": 3, "co-1": 2, "co-4": 0})
