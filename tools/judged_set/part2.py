# Topics 9-16: spent pot lining, anodes, dross, melt quality, scrap, emissions, extrusion, anodizing.
from common import C, N, topic

topic(9, "spent pot lining")
C("spl-1", "zh", "铝电解废槽衬无害化处理与氟资源回收",
  "采用低温焙烧-水浸工艺分解废阴极炭块中的氰化物并回收氟化物，处理后渣满足一般固废要求，炭质可作燃料或还原剂。",
  "废槽衬|大修渣|氰化物|氟回收", 6)
C("spl-2", "en", "Thermal treatment of spent pot lining in cement kilns",
  "Co-processing of first-cut spent pot lining in cement kilns as fuel and fluxing agent, with fluoride balance and emission monitoring.",
  "spent pot lining|SPL|cement kiln co-processing", 7)
C("spl-3", "en", "Flotation of carbon from spent cathode blocks",
  "Crushing and froth flotation separate carbon from electrolyte in spent cathodes; recovered cryolite returns to the cells and carbon to anode plants.",
  "spent cathode|flotation|cryolite recovery", 5)
C("spl-4", "zh", "废旧锂电池负极石墨提纯再生",
  "退役锂离子电池负极石墨经酸浸除杂和高温修复，再生为电池级石墨。",
  "负极石墨|锂电池回收|再生", 5)
N("n17", "en", "Safe disposal of spent pot lining",
  "We generate 6,000 t of spent pot lining a year and store it under a hazardous-waste permit. We want a process that destroys cyanide, recovers fluoride and leaves a residue we can sell or landfill.",
  "spent pot lining|cyanide|fluoride", 6,
  {"spl-1": 3, "spl-2": 3, "spl-3": 2, "spl-4": 0})
N("n18", "zh", "大修渣中的炭和电解质回收",
  "电解槽大修产生的废阴极中炭含量60%、电解质30%，希望分离回收炭和冰晶石，返回生产使用。",
  "废阴极|炭回收|电解质回收", 5,
  {"spl-3": 3, "spl-1": 2, "spl-2": 1, "spl-4": 1})

topic(10, "prebaked anodes")
C("an-1", "zh", "预焙阳极质量提升与焙烧炉燃烧控制",
  "通过煤沥青配比、糊料混捏温度和环式焙烧炉火道温度曲线优化，提高阳极体积密度和抗氧化性，降低阳极净耗。",
  "预焙阳极|焙烧炉|阳极净耗", 7)
C("an-2", "en", "Petroleum coke blending for anode quality",
  "Characterisation of calcined petroleum cokes (sulfur, vanadium, real density) and blending rules that keep anode reactivity and cracking under control as coke quality declines.",
  "petroleum coke|anode|blending|CO2 reactivity", 6)
C("an-3", "en", "Inert anodes for aluminium electrolysis",
  "Cermet and metallic inert anodes that release oxygen instead of CO2; corrosion testing in cryolite melts at 100 A scale.",
  "inert anode|cermet|cryolite|zero-carbon aluminium", 3)
C("an-4", "zh", "石墨电极生产用针状焦",
  "电弧炉炼钢用超高功率石墨电极及其原料针状焦的制备与性能评价。",
  "石墨电极|针状焦|电弧炉", 8)
N("n19", "zh", "阳极消耗高、掉块多",
  "我厂阳极净耗约420 kg/t-Al，电解过程中掉渣掉块较多。原料石油焦质量下降，希望优化配料和焙烧工艺。",
  "阳极|石油焦|焙烧|掉块", 7,
  {"an-1": 3, "an-2": 3, "an-3": 1, "an-4": 0})
N("n20", "en", "Carbon-free anode technology",
  "We want to follow inert anode development for aluminium smelting and run corrosion tests of candidate materials together with a research group.",
  "inert anode|carbon-free smelting", 3,
  {"an-3": 3, "an-1": 1, "an-2": 1})

topic(11, "aluminium dross")
C("dr-1", "zh", "铝灰无害化与氧化铝资源化利用",
  "铝灰经湿法水解脱氨、脱氟后制备铝酸钙和耐火材料原料，氮化铝水解产生的氨气回收为氨水。",
  "铝灰|无害化|氮化铝|脱氨", 6)
C("dr-2", "en", "Hot dross processing and metal recovery",
  "Rotary and press-based hot dross treatment recovers 50-70 % of the metallic aluminium in skimmings before it oxidises; cooling under argon reduces thermite reactions.",
  "dross|skimmings|metal recovery|dross press", 8)
C("dr-3", "en", "Salt slag recycling from rotary furnaces",
  "Leaching and crystallisation recover NaCl-KCl flux from salt slag of secondary aluminium rotary furnaces; the oxide residue goes to cement.",
  "salt slag|salt cake|flux recovery|secondary aluminium", 6)
C("dr-4", "zh", "食盐精制与低钠盐生产",
  "海盐和井矿盐的洗涤、重结晶精制工艺及低钠盐配方。",
  "食盐|精制|低钠盐", 9)
C("dr-5", "zh", "铝渣热态压榨回收金属铝",
  "熔铝炉扒渣后在热态下压榨，回收铝渣中的金属铝，铝回收率提高到60%以上，冷却后铝灰量减少。",
  "铝渣|热压|金属回收", 7)
N("n21", "en", "Our aluminium dross is classified as hazardous",
  "Since the new hazardous waste list, our secondary dross and baghouse dust must be treated. We want a process that removes ammonia-forming nitrides and fluorides and turns the residue into a product.",
  "dross|hazardous waste|nitride|ammonia", 6,
  {"dr-1": 3, "dr-3": 2, "dr-2": 1, "dr-5": 1, "dr-4": 0})
N("n22", "zh", "提高扒渣中金属铝的回收率",
  "熔炼炉扒出的铝渣中金属铝含量30%以上，目前冷却后外卖，损失较大。需要热态处理设备和工艺。",
  "扒渣|铝渣|金属回收率", 7,
  {"dr-2": 3, "dr-5": 3, "dr-1": 1, "dr-3": 1})

topic(12, "melt degassing and inclusions")
C("mq-1", "zh", "铝液在线除气与氢含量检测",
  "旋转喷吹除气装置工艺优化及铝液含氢量在线测定（减压凝固法与闭环循环法），除气后氢含量低于0.10 mL/100g。",
  "铝液除气|氢含量|在线检测", 7)
C("mq-2", "en", "Ceramic foam filtration and inclusion measurement for aluminium melts",
  "Selection of ceramic foam filters and PoDFA/LiMCA measurements to reduce oxide films and inclusions in casting of sheet ingot and billets.",
  "ceramic foam filter|inclusions|LiMCA|melt cleanliness", 7)
C("mq-3", "en", "Hydrogen embrittlement testing of high-strength steels",
  "Slow strain rate testing and thermal desorption spectroscopy of hydrogen in pipeline and bolt steels.",
  "hydrogen embrittlement|steel|thermal desorption", 7)
C("mq-4", "zh", "铝熔体精炼剂与晶粒细化剂",
  "开发无钠精炼剂和Al-Ti-B、Al-Ti-C晶粒细化剂，减少熔体夹杂并细化铸态组织。",
  "精炼剂|晶粒细化剂|Al-Ti-B", 8)
C("mq-5", "zh", "氢气在金属管道中的渗透与氢脆",
  "研究高压氢气输送管道钢的氢渗透行为及氢脆敏感性评价。",
  "氢脆|输氢管道|氢渗透", 5)
N("n23", "en", "Gas porosity in our billets",
  "Extruded profiles show blisters traced to hydrogen in the melt. We need better degassing and a way to measure hydrogen in the melt online before casting.",
  "hydrogen|degassing|porosity|billet casting", 7,
  {"mq-1": 3, "mq-2": 2, "mq-4": 2, "mq-3": 0, "mq-5": 0})
N("n24", "zh", "铸轧板夹杂缺陷多",
  "铸轧生产的铝箔坯料中氧化夹杂导致轧制针孔，希望改进熔体过滤和精炼，并建立熔体洁净度检测方法。",
  "夹杂|熔体过滤|洁净度|铸轧", 7,
  {"mq-2": 3, "mq-4": 3, "mq-1": 2, "fo-1": 1, "fo-2": 1})

topic(13, "scrap sorting and remelting")
C("sc-1", "en", "LIBS and X-ray sorting of aluminium scrap by alloy",
  "Laser-induced breakdown spectroscopy and X-ray transmission sorters separate shredded aluminium scrap into wrought and cast alloy families at 3 t/h, enabling closed-loop recycling.",
  "scrap sorting|LIBS|alloy separation|recycling", 7)
C("sc-2", "zh", "再生铝废料预处理与除漆脱涂",
  "针对易拉罐和涂层铝废料，开发回转窑脱漆和分选预处理线，降低熔炼烧损和烟气污染。",
  "再生铝|废料预处理|脱漆|易拉罐", 7)
C("sc-3", "en", "Plastic waste sorting with near-infrared spectroscopy",
  "NIR sorting of mixed plastic packaging by polymer type for mechanical recycling.",
  "plastic sorting|NIR|recycling", 8)
C("sc-4", "zh", "再生铝合金成分控制与杂质铁的去除",
  "通过锰、铬中和及重力沉降去除再生铝熔体中的铁，实现再生料用于高品质压铸合金。",
  "再生铝|除铁|成分控制", 5)
N("n25", "zh", "废铝分选提高再生铝品质",
  "我公司以汽车拆解废铝为原料，合金混杂导致再生锭成分难控制。需要按合金牌号分选的设备和技术。",
  "废铝分选|再生铝|合金牌号", 7,
  {"sc-1": 3, "sc-4": 2, "sc-2": 2, "sc-3": 0})
N("n26", "en", "Coated scrap causes high melt loss",
  "Melting painted and lacquered scrap in our reverberatory furnace gives 8 % melt loss and smoke. We want decoating before melting.",
  "decoating|melt loss|scrap remelting", 7,
  {"sc-2": 3, "sc-1": 1, "sc-4": 1, "em-1": 1})

topic(14, "secondary smelting emissions")
C("em-1", "zh", "再生铝熔炼烟气二噁英与粉尘协同治理",
  "活性炭喷射+布袋除尘+急冷工艺控制再生铝熔炼烟气中的二噁英和颗粒物，排放低于0.1 ng-TEQ/m3。",
  "再生铝|二噁英|烟气治理", 7)
C("em-2", "en", "Baghouse and dry scrubbing for secondary aluminium furnaces",
  "Design of lime and activated-carbon dry scrubbing upstream of fabric filters for rotary furnaces; removes HCl, HF and dioxins.",
  "dry scrubbing|fabric filter|dioxin|secondary aluminium", 8)
C("em-3", "zh", "垃圾焚烧飞灰二噁英降解",
  "生活垃圾焚烧飞灰中二噁英的低温热解降解和重金属稳定化。",
  "垃圾焚烧|飞灰|二噁英", 6)
C("em-4", "en", "VOC abatement for coating lines",
  "Regenerative thermal oxidisers and zeolite concentrators for solvent emissions of coil and furniture coating lines.",
  "VOC|RTO|coating line", 9)
N("n27", "en", "Dioxin limits for our remelting plant",
  "New local limits require our secondary aluminium plant to keep dioxins below 0.1 ng TEQ/m3 and dust below 10 mg/m3. We need a flue-gas treatment design.",
  "dioxin|dust|flue gas|remelting", 7,
  {"em-1": 3, "em-2": 3, "em-3": 1, "em-4": 0, "sc-2": 1})
N("n28", "zh", "熔炼炉烟气中氯化氢和氟化物超标",
  "再生铝回转炉使用盐熔剂，烟气中HCl和HF浓度高，现有布袋除尘器腐蚀严重，需要干法脱酸方案。",
  "烟气|氯化氢|干法脱酸|回转炉", 7,
  {"em-2": 3, "em-1": 2, "dr-3": 1})

topic(15, "extrusion")
C("ex-1", "zh", "铝型材挤压模具寿命提升与氮化处理",
  "通过模具结构优化、H13钢真空热处理和多次气体氮化，使6063型材挤压模具平均寿命从8吨提高到15吨。",
  "挤压模具|模具寿命|氮化|6063", 8)
C("ex-2", "en", "Extrusion simulation for die design and profile defects",
  "Finite-element simulation of aluminium extrusion (HyperXtrude, DEFORM) to balance metal flow, predict seam welds and reduce die trials for complex hollow profiles.",
  "extrusion simulation|die design|seam weld|FEM", 7)
C("ex-3", "en", "Plastic pipe extrusion die design",
  "Spiral mandrel dies and calibration for PE and PVC pipe extrusion lines.",
  "plastic extrusion|pipe die|PVC", 8)
C("ex-4", "zh", "6系铝合金挤压材粗晶环与表面缺陷控制",
  "研究均匀化、挤压温度和速度对6082挤压棒材粗晶环、表面麻点和焊合线的影响，提出工艺窗口。",
  "粗晶环|挤压缺陷|6082|均匀化", 6)
C("ex-5", "zh", "塑料挤出机螺杆设计",
  "针对改性塑料造粒的双螺杆挤出机螺杆组合与温控优化。",
  "塑料挤出|螺杆|造粒", 8)
N("n29", "en", "Extrusion dies wear out too fast",
  "Our dies for 6063 window profiles last only 6-8 tonnes. We want longer die life through better steel treatment, nitriding and die design, and fewer trial pressings.",
  "extrusion die|die life|nitriding", 7,
  {"ex-1": 3, "ex-2": 3, "ex-4": 1, "ex-3": 0, "ex-5": 0})
N("n30", "zh", "挤压棒材粗晶环超标",
  "我公司生产的6082挤压棒用于汽车锻件，粗晶环深度超标导致锻件开裂，需要合作优化均匀化和挤压工艺。",
  "粗晶环|6082|挤压棒|锻件", 6,
  {"ex-4": 3, "ex-2": 2, "ex-1": 1, "ex-5": 0})

topic(16, "anodizing")
C("ao-1", "zh", "铝合金硬质阳极氧化与封孔工艺",
  "开发高耐磨硬质阳极氧化及无镍中温封孔工艺，膜厚50微米，耐盐雾1000小时。",
  "阳极氧化|硬质氧化|封孔", 8)
C("ao-2", "en", "Colour uniformity of anodized architectural profiles",
  "Electrolytic colouring control (tin salts), bath analysis and pretreatment etching to keep colour and gloss uniform across batches of architectural profiles.",
  "anodizing|electrolytic colouring|architectural profiles", 7)
C("ao-3", "en", "Textile reactive dyeing colour matching",
  "Spectrophotometric recipe prediction and right-first-time dyeing of cotton with reactive dyes.",
  "textile dyeing|colour matching|reactive dyes", 8)
C("ao-4", "zh", "微弧氧化陶瓷膜层制备",
  "在铝、镁合金表面制备微弧氧化陶瓷膜，提高耐磨和绝缘性能，用于电子壳体和活塞。",
  "微弧氧化|陶瓷膜|铝合金表面", 6)
N("n31", "en", "Colour variation in our anodized profiles",
  "Bronze and black anodized profiles for facades show colour differences between batches, and customers reject them. We need better colouring and pretreatment control.",
  "anodized|colour variation|facade profiles", 7,
  {"ao-2": 3, "ao-1": 2, "ao-4": 1, "ao-3": 0})
N("n32", "zh", "需要耐磨的铝合金表面处理",
  "我公司生产气动元件铝缸筒，需要表面高耐磨、耐腐蚀处理，考虑硬质阳极氧化或微弧氧化。",
  "耐磨|表面处理|硬质阳极氧化|微弧氧化", 7,
  {"ao-1": 3, "ao-4": 3, "ao-2": 1})
